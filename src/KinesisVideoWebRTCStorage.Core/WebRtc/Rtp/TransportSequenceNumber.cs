using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>
    /// The transport-wide sequence number header extension (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): one
    /// 16-bit counter across every stream of a connection, so the receiver's feedback can say when each packet arrived.
    /// Our packets reserve it as a one-byte-form extension right after the fixed header, written when the packet leaves.
    /// </summary>
    public static class TransportSequenceNumber
    {
        public const string Uri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

        /// <summary>What the reserved extension adds to a packet: the profile word and one padded element.</summary>
        public const int ReservedLength = 8;

        /// <summary>Writes the reserved, zeroed extension after a 12-byte fixed header; the caller sets the X bit.</summary>
        public static void Reserve(Span<byte> extension, int id)
        {
            if (id < 1 || id > 14) throw new ArgumentOutOfRangeException(nameof(id), "One-byte extension ids are 1-14.");
            BinaryPrimitives.WriteUInt16BigEndian(extension, RtpExtensionElements.OneByteProfile);
            BinaryPrimitives.WriteUInt16BigEndian(extension.Slice(2), 1); // one 32-bit word of elements
            extension[4] = (byte)((id << 4) | 1); // two bytes of value
            extension[5] = extension[6] = extension[7] = 0;
        }

        /// <summary>
        /// Stamps <paramref name="sequenceNumber"/> into a packet laid out by <see cref="Reserve"/>; false (nothing
        /// written) for a packet without the element.
        /// </summary>
        public static bool TryWrite(Span<byte> packet, int id, ushort sequenceNumber)
        {
            if (packet.Length < RtpHeader.FixedLength + ReservedLength || (packet[0] & 0x1F) != 0x10) return false; // X set, no CSRC
            if (BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(12)) != RtpExtensionElements.OneByteProfile || packet[16] != (byte)((id << 4) | 1)) return false;
            BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(17), sequenceNumber);
            return true;
        }

        /// <summary>Reads the number from a received packet whose extension carries element <paramref name="id"/>.</summary>
        public static bool TryRead(in RtpPacket packet, int id, out ushort sequenceNumber)
        {
            sequenceNumber = 0;
            if (id <= 0 || !packet.HasExtension || !packet.TryGetExtension(id, out var value) || value.Length < 2) return false;
            sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(value);
            return true;
        }
    }
}
