using System;
using System.Buffers.Binary;
using System.Text;

namespace KinesisVideoWebRTCStorage.Media.Matroska
{
    /// <summary>Writes EBML elements into a <see cref="PooledBuffer"/>.</summary>
    internal static class EbmlWriter
    {
        /// <summary>Bytes of a size field that a master's size is patched into later.</summary>
        public const int PatchableSizeLength = 8;

        public static void WriteId(PooledBuffer buffer, uint id)
        {
            buffer.EnsureCapacity(buffer.Length + 4);
            buffer.Length += EncodeId(new Span<byte>(buffer.Array, buffer.Length, 4), id);
        }

        /// <summary>Writes the bytes of an element ID (marker bit included) and returns how many.</summary>
        public static int EncodeId(Span<byte> target, uint id)
        {
            int length = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
            for (int i = 0; i < length; i++) target[i] = (byte)(id >> (8 * (length - 1 - i)));
            return length;
        }

        /// <summary>Writes a data size in the fewest bytes, or in <paramref name="length"/> bytes when given.</summary>
        public static void WriteSize(PooledBuffer buffer, long size, int length = 0)
        {
            if (length == 0)
            {
                length = 1;
                while (length < 8 && size >= (1L << (7 * length)) - 1) length++;
            }
            buffer.EnsureCapacity(buffer.Length + length);
            EncodeSize(new Span<byte>(buffer.Array, buffer.Length, length), size);
            buffer.Length += length;
        }

        /// <summary>Encodes <paramref name="size"/> as a vint filling <paramref name="target"/>.</summary>
        public static void EncodeSize(Span<byte> target, long size)
        {
            int length = target.Length;
            ulong value = (ulong)size | (1UL << (7 * length));
            for (int i = length - 1; i >= 0; i--, value >>= 8) target[i] = (byte)value;
        }

        public static void WriteUInt(PooledBuffer buffer, uint id, ulong value)
        {
            int length = 1;
            while (length < 8 && value >= 1UL << (8 * length)) length++;
            WriteId(buffer, id);
            WriteSize(buffer, length);
            for (int i = length - 1; i >= 0; i--) WriteByte(buffer, (byte)(value >> (8 * i)));
        }

        public static void WriteFloat(PooledBuffer buffer, uint id, double value)
        {
            WriteId(buffer, id);
            WriteSize(buffer, 8);
            buffer.EnsureCapacity(buffer.Length + 8);
            BinaryPrimitives.WriteInt64BigEndian(new Span<byte>(buffer.Array, buffer.Length, 8), BitConverter.DoubleToInt64Bits(value));
            buffer.Length += 8;
        }

        public static void WriteString(PooledBuffer buffer, uint id, string value) => WriteBinary(buffer, id, Encoding.UTF8.GetBytes(value));

        public static void WriteBinary(PooledBuffer buffer, uint id, ReadOnlySpan<byte> value)
        {
            WriteId(buffer, id);
            WriteSize(buffer, value.Length);
            buffer.Append(value);
        }

        /// <summary>Starts a master element; returns where its size field is, for <see cref="EndMaster"/>.</summary>
        public static int StartMaster(PooledBuffer buffer, uint id)
        {
            WriteId(buffer, id);
            int sizeAt = buffer.Length;
            WriteSize(buffer, 0, PatchableSizeLength);
            return sizeAt;
        }

        public static void EndMaster(PooledBuffer buffer, int sizeAt) =>
            EncodeSize(new Span<byte>(buffer.Array, sizeAt, PatchableSizeLength), buffer.Length - sizeAt - PatchableSizeLength);

        /// <summary>A Void element of exactly <paramref name="totalLength"/> bytes (at least 2), to reserve space.</summary>
        public static void WriteVoid(PooledBuffer buffer, int totalLength)
        {
            if (totalLength < 2) throw new ArgumentOutOfRangeException(nameof(totalLength));
            WriteId(buffer, MatroskaIds.Void);
            int sizeLength = totalLength - 2 < 127 ? 1 : 8;
            int dataLength = totalLength - 1 - sizeLength;
            WriteSize(buffer, dataLength, sizeLength);
            buffer.EnsureCapacity(buffer.Length + dataLength);
            new Span<byte>(buffer.Array, buffer.Length, dataLength).Clear();
            buffer.Length += dataLength;
        }

        private static void WriteByte(PooledBuffer buffer, byte value)
        {
            buffer.EnsureCapacity(buffer.Length + 1);
            buffer.Array[buffer.Length++] = value;
        }
    }
}
