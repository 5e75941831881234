using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>PLI, PSFB FMT 1 (RFC 4585 §6.3.1): the receiver wants a keyframe.</summary>
    public sealed class PictureLossIndication : RtcpPacket
    {
        public const int Format = 1;

        public PictureLossIndication(uint senderSsrc, uint mediaSsrc)
        {
            SenderSsrc = senderSsrc;
            MediaSsrc = mediaSsrc;
        }

        public override RtcpPacketType PacketType => RtcpPacketType.PayloadSpecificFeedback;
        public uint SenderSsrc { get; }
        public uint MediaSsrc { get; }

        protected override int CountOrFormat => Format;
        protected override int BodyLength => 8;

        protected override void WriteBody(Span<byte> body)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body, SenderSsrc);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(4), MediaSsrc);
        }

        internal static PictureLossIndication Parse(ReadOnlySpan<byte> body)
        {
            Require(body.Length >= 8, "PLI shorter than its SSRCs", HeaderLength);
            return new PictureLossIndication(BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body.Slice(4)));
        }
    }
}
