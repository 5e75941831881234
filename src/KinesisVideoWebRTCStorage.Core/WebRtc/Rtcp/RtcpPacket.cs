using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>One RTCP packet of a compound packet: the common header (RFC 3550 §6.4.1) is written here, the body by each type.</summary>
    public abstract class RtcpPacket
    {
        public const int HeaderLength = 4;

        public abstract RtcpPacketType PacketType { get; }

        /// <summary>Total serialized length in bytes, a multiple of 4.</summary>
        public int Length => HeaderLength + BodyLength;

        /// <summary>The 5-bit header field: a report or source count, or the feedback message type (FMT).</summary>
        protected abstract int CountOrFormat { get; }

        /// <summary>Bytes after the header; must be a multiple of 4.</summary>
        protected abstract int BodyLength { get; }

        protected abstract void WriteBody(Span<byte> body);

        public int WriteTo(Span<byte> destination)
        {
            int length = Length;
            if (destination.Length < length) throw new ArgumentException("Destination too small for the RTCP packet.", nameof(destination));
            destination[0] = (byte)(0x80 | CountOrFormat);
            destination[1] = (byte)PacketType;
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), (ushort)(length / 4 - 1));
            WriteBody(destination.Slice(HeaderLength, length - HeaderLength));
            return length;
        }

        public byte[] ToArray()
        {
            var bytes = new byte[Length];
            WriteTo(bytes);
            return bytes;
        }

        protected static void RequireCount(int count, int max, string what)
        {
            if (count > max) throw new ArgumentException($"At most {max} {what} fit in one RTCP packet.");
        }

        internal static void Require(bool condition, string message, int offset)
        {
            if (!condition) throw new RtcpFormatException(message, offset);
        }
    }
}
