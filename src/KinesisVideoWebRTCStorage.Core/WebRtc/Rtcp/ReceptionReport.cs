using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>A report block of an SR or RR (RFC 3550 §6.4.1).</summary>
    public readonly struct ReceptionReport
    {
        public const int Length = 24;

        public ReceptionReport(uint ssrc, byte fractionLost, int cumulativeLost, uint extendedHighestSequence, uint jitter,
            uint lastSenderReport, uint delaySinceLastSenderReport)
        {
            if (cumulativeLost < -0x800000 || cumulativeLost > 0x7FFFFF) throw new ArgumentOutOfRangeException(nameof(cumulativeLost));
            Ssrc = ssrc;
            FractionLost = fractionLost;
            CumulativeLost = cumulativeLost;
            ExtendedHighestSequence = extendedHighestSequence;
            Jitter = jitter;
            LastSenderReport = lastSenderReport;
            DelaySinceLastSenderReport = delaySinceLastSenderReport;
        }

        public uint Ssrc { get; }
        public byte FractionLost { get; }

        /// <summary>Signed 24-bit: duplicates can make it negative.</summary>
        public int CumulativeLost { get; }

        public uint ExtendedHighestSequence { get; }
        public uint Jitter { get; }

        /// <summary>The middle 32 bits of the NTP timestamp of the last SR received.</summary>
        public uint LastSenderReport { get; }

        /// <summary>In units of 1/65536 s.</summary>
        public uint DelaySinceLastSenderReport { get; }

        internal static ReceptionReport Read(ReadOnlySpan<byte> data)
        {
            uint lostWord = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4));
            int cumulative = (int)(lostWord << 8) >> 8; // sign-extend the 24-bit field
            return new ReceptionReport(BinaryPrimitives.ReadUInt32BigEndian(data), (byte)(lostWord >> 24), cumulative,
                BinaryPrimitives.ReadUInt32BigEndian(data.Slice(8)), BinaryPrimitives.ReadUInt32BigEndian(data.Slice(12)),
                BinaryPrimitives.ReadUInt32BigEndian(data.Slice(16)), BinaryPrimitives.ReadUInt32BigEndian(data.Slice(20)));
        }

        internal void Write(Span<byte> destination)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4), ((uint)FractionLost << 24) | ((uint)CumulativeLost & 0xFFFFFF));
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), ExtendedHighestSequence);
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(12), Jitter);
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(16), LastSenderReport);
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(20), DelaySinceLastSenderReport);
        }

        internal static ReceptionReport[] ReadBlocks(ReadOnlySpan<byte> data, int count, int offset)
        {
            RtcpPacket.Require(data.Length >= count * Length, "report blocks run past the packet", offset);
            var reports = new ReceptionReport[count];
            for (int i = 0; i < count; i++) reports[i] = Read(data.Slice(i * Length));
            return reports;
        }
    }
}
