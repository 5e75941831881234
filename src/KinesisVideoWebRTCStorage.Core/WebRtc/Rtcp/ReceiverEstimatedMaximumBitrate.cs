using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>REMB, PSFB FMT 15 with the "REMB" identifier (draft-alvestrand-rmcat-remb).</summary>
    public sealed class ReceiverEstimatedMaximumBitrate : RtcpPacket
    {
        public const int Format = 15;
        private const uint Identifier = 0x52454D42; // "REMB"

        public ReceiverEstimatedMaximumBitrate(uint senderSsrc, ulong bitrate, IReadOnlyList<uint> ssrcs)
        {
            SenderSsrc = senderSsrc;
            Bitrate = bitrate;
            Ssrcs = ssrcs;
            RequireCount(ssrcs.Count, 255, "REMB SSRCs");
        }

        public override RtcpPacketType PacketType => RtcpPacketType.PayloadSpecificFeedback;
        public uint SenderSsrc { get; }

        /// <summary>Bits per second; written as an 18-bit mantissa and 6-bit exponent, so large values round down.</summary>
        public ulong Bitrate { get; }

        public IReadOnlyList<uint> Ssrcs { get; }

        protected override int CountOrFormat => Format;
        protected override int BodyLength => 16 + Ssrcs.Count * 4;

        protected override void WriteBody(Span<byte> body)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body, SenderSsrc);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(4), 0);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(8), Identifier);
            ulong mantissa = Bitrate;
            int exponent = 0;
            while (mantissa > 0x3FFFF)
            {
                mantissa >>= 1;
                exponent++;
            }
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(12), ((uint)Ssrcs.Count << 24) | ((uint)exponent << 18) | (uint)mantissa);
            for (int i = 0; i < Ssrcs.Count; i++) BinaryPrimitives.WriteUInt32BigEndian(body.Slice(16 + i * 4), Ssrcs[i]);
        }

        internal static bool IsRemb(ReadOnlySpan<byte> body) => body.Length >= 12 && BinaryPrimitives.ReadUInt32BigEndian(body.Slice(8)) == Identifier;

        internal static ReceiverEstimatedMaximumBitrate Parse(ReadOnlySpan<byte> body)
        {
            Require(body.Length >= 16, "REMB shorter than its fixed part", HeaderLength);
            uint word = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(12));
            int count = (int)(word >> 24);
            Require(body.Length - 16 >= count * 4, "REMB SSRC list runs past the packet", HeaderLength + 16);
            int exponent = (int)(word >> 18) & 0x3F;
            ulong mantissa = word & 0x3FFFF;
            // 18 + 63 bits would overflow: saturate instead of wrapping.
            ulong bitrate = exponent > 46 ? (mantissa == 0 ? 0 : ulong.MaxValue) : mantissa << exponent;
            var ssrcs = new uint[count];
            for (int i = 0; i < count; i++) ssrcs[i] = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(16 + i * 4));
            return new ReceiverEstimatedMaximumBitrate(BinaryPrimitives.ReadUInt32BigEndian(body), bitrate, ssrcs);
        }
    }
}
