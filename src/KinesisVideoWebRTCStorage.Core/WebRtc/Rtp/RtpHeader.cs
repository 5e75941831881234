using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>The per-packet fields of the fixed RTP header (RFC 3550 §5.1); CSRCs, extension and padding travel separately.</summary>
    public struct RtpHeader
    {
        public const int FixedLength = 12;
        public const byte Version = 2;

        public bool Marker;
        public byte PayloadType;
        public ushort SequenceNumber;
        public uint Timestamp;
        public uint Ssrc;

        public RtpHeader(byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc, bool marker = false)
        {
            PayloadType = payloadType;
            SequenceNumber = sequenceNumber;
            Timestamp = timestamp;
            Ssrc = ssrc;
            Marker = marker;
        }

        /// <summary>Writes the 12-byte fixed header with no CSRC, extension or padding: the packetizers' hot path.</summary>
        public void WriteFixed(Span<byte> destination)
        {
            if (PayloadType > 127) throw new ArgumentOutOfRangeException(nameof(PayloadType));
            if (destination.Length < FixedLength) throw new ArgumentException("Destination too small for an RTP header.", nameof(destination));
            destination[0] = Version << 6;
            destination[1] = (byte)((Marker ? 0x80 : 0) | PayloadType);
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), SequenceNumber);
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4), Timestamp);
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), Ssrc);
        }
    }
}
