using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>FIR, PSFB FMT 4 (RFC 5104 §4.3.1).</summary>
    public sealed class FullIntraRequest : RtcpPacket
    {
        public const int Format = 4;

        public FullIntraRequest(uint senderSsrc, IReadOnlyList<FirEntry> entries)
        {
            SenderSsrc = senderSsrc;
            Entries = entries;
            if (8 + entries.Count * 8 > ushort.MaxValue * 4) throw new ArgumentException("Too many FIR entries.", nameof(entries));
        }

        public override RtcpPacketType PacketType => RtcpPacketType.PayloadSpecificFeedback;
        public uint SenderSsrc { get; }
        public IReadOnlyList<FirEntry> Entries { get; }

        protected override int CountOrFormat => Format;
        protected override int BodyLength => 8 + Entries.Count * 8;

        protected override void WriteBody(Span<byte> body)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body, SenderSsrc);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(4), 0); // media source SSRC is unused in FIR
            for (int i = 0; i < Entries.Count; i++)
            {
                var entry = body.Slice(8 + i * 8, 8);
                BinaryPrimitives.WriteUInt32BigEndian(entry, Entries[i].Ssrc);
                entry[4] = Entries[i].SequenceNumber;
                entry.Slice(5).Clear();
            }
        }

        internal static FullIntraRequest Parse(ReadOnlySpan<byte> body)
        {
            Require(body.Length >= 8, "FIR shorter than its SSRCs", HeaderLength);
            int count = (body.Length - 8) / 8;
            var entries = new FirEntry[count];
            for (int i = 0; i < count; i++) entries[i] = new FirEntry(BinaryPrimitives.ReadUInt32BigEndian(body.Slice(8 + i * 8)), body[12 + i * 8]);
            return new FullIntraRequest(BinaryPrimitives.ReadUInt32BigEndian(body), entries);
        }
    }
}
