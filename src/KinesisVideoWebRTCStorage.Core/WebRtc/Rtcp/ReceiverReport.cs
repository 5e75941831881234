using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>RR: reception report blocks from a non-sender (RFC 3550 §6.4.2).</summary>
    public sealed class ReceiverReport : RtcpPacket
    {
        public ReceiverReport(uint ssrc, IReadOnlyList<ReceptionReport>? reports = null)
        {
            Ssrc = ssrc;
            Reports = reports ?? Array.Empty<ReceptionReport>();
            RequireCount(Reports.Count, 31, "report blocks");
        }

        public override RtcpPacketType PacketType => RtcpPacketType.ReceiverReport;
        public uint Ssrc { get; }
        public IReadOnlyList<ReceptionReport> Reports { get; }

        protected override int CountOrFormat => Reports.Count;
        protected override int BodyLength => 4 + Reports.Count * ReceptionReport.Length;

        protected override void WriteBody(Span<byte> body)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body, Ssrc);
            for (int i = 0; i < Reports.Count; i++) Reports[i].Write(body.Slice(4 + i * ReceptionReport.Length));
        }

        internal static ReceiverReport Parse(int count, ReadOnlySpan<byte> body)
        {
            Require(body.Length >= 4, "receiver report without SSRC", HeaderLength);
            return new ReceiverReport(BinaryPrimitives.ReadUInt32BigEndian(body), ReceptionReport.ReadBlocks(body.Slice(4), count, HeaderLength + 4));
        }
    }
}
