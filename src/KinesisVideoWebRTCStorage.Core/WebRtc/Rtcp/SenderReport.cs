using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>SR: sender info plus reception report blocks (RFC 3550 §6.4.1).</summary>
    public sealed class SenderReport : RtcpPacket
    {
        private const int SenderInfoLength = 24;

        public SenderReport(uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, uint packetCount, uint octetCount,
            IReadOnlyList<ReceptionReport>? reports = null)
        {
            Ssrc = ssrc;
            NtpTimestamp = ntpTimestamp;
            RtpTimestamp = rtpTimestamp;
            PacketCount = packetCount;
            OctetCount = octetCount;
            Reports = reports ?? Array.Empty<ReceptionReport>();
            RequireCount(Reports.Count, 31, "report blocks");
        }

        public override RtcpPacketType PacketType => RtcpPacketType.SenderReport;
        public uint Ssrc { get; }

        /// <summary>64-bit NTP format: seconds since 1900 in the high word, fraction in the low word.</summary>
        public ulong NtpTimestamp { get; }

        public uint RtpTimestamp { get; }
        public uint PacketCount { get; }
        public uint OctetCount { get; }
        public IReadOnlyList<ReceptionReport> Reports { get; }

        protected override int CountOrFormat => Reports.Count;
        protected override int BodyLength => SenderInfoLength + Reports.Count * ReceptionReport.Length;

        protected override void WriteBody(Span<byte> body)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body, Ssrc);
            BinaryPrimitives.WriteUInt64BigEndian(body.Slice(4), NtpTimestamp);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(12), RtpTimestamp);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(16), PacketCount);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(20), OctetCount);
            for (int i = 0; i < Reports.Count; i++) Reports[i].Write(body.Slice(SenderInfoLength + i * ReceptionReport.Length));
        }

        internal static SenderReport Parse(int count, ReadOnlySpan<byte> body)
        {
            Require(body.Length >= SenderInfoLength, "sender report shorter than the sender info", HeaderLength);
            // Profile-specific extensions may follow the blocks; they are ignored.
            var reports = ReceptionReport.ReadBlocks(body.Slice(SenderInfoLength), count, HeaderLength + SenderInfoLength);
            return new SenderReport(BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt64BigEndian(body.Slice(4)),
                BinaryPrimitives.ReadUInt32BigEndian(body.Slice(12)), BinaryPrimitives.ReadUInt32BigEndian(body.Slice(16)),
                BinaryPrimitives.ReadUInt32BigEndian(body.Slice(20)), reports);
        }
    }
}
