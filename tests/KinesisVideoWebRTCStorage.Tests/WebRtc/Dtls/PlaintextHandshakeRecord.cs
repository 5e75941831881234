using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Dtls
{
    /// <summary>Hand-made epoch-0 DTLS 1.2 handshake records, whose lengths a hostile peer chooses.</summary>
    internal static class PlaintextHandshakeRecord
    {
        /// <summary>
        /// One record holding one fragment: <paramref name="body"/> at <paramref name="offset"/> of a message of
        /// <paramref name="messageType"/> that announces <paramref name="messageLength"/> bytes.
        /// </summary>
        public static byte[] Build(byte messageType, int messageLength, int messageSequence, int offset, ReadOnlySpan<byte> body, uint recordSequence)
        {
            byte[] record = new byte[13 + 12 + body.Length];
            record[0] = 22; // handshake
            record[1] = 0xFE;
            record[2] = 0xFD;
            BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(7), recordSequence); // epoch 0, sequence in the low bits
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), (ushort)(12 + body.Length));
            record[13] = messageType;
            WriteUInt24(record.AsSpan(14), messageLength);
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(17), (ushort)messageSequence);
            WriteUInt24(record.AsSpan(19), offset);
            WriteUInt24(record.AsSpan(22), body.Length);
            body.CopyTo(record.AsSpan(25));
            return record;
        }

        private static void WriteUInt24(Span<byte> destination, int value)
        {
            destination[0] = (byte)(value >> 16);
            destination[1] = (byte)(value >> 8);
            destination[2] = (byte)value;
        }
    }
}
