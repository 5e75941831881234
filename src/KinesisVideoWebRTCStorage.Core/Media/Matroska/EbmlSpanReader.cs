using System;
using System.Buffers.Binary;
using System.Text;

namespace KinesisVideoWebRTCStorage.Media.Matroska
{
    /// <summary>Reads EBML elements from a master element already in memory (headers, Info, Tracks, BlockGroup).</summary>
    internal ref struct EbmlSpanReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly long _baseOffset;

        public EbmlSpanReader(ReadOnlySpan<byte> data, long baseOffset)
        {
            _data = data;
            _baseOffset = baseOffset;
            Position = 0;
        }

        public int Position { get; private set; }

        public bool AtEnd => Position >= _data.Length;

        /// <summary>Reads the next child's header and returns its data; children of in-memory masters must have a known size.</summary>
        public ReadOnlySpan<byte> ReadElement(out uint id)
        {
            long at = _baseOffset + Position;
            var rest = _data.Slice(Position);
            int idLength = ReadId(rest, out id, at);
            int sizeLength = ReadSize(rest.Slice(idLength), out long size, at + idLength);
            if (size < 0) throw new MatroskaFormatException($"element 0x{id:X} inside a sized element has an unknown size", at);
            if (size > rest.Length - idLength - sizeLength) throw new MatroskaFormatException($"element 0x{id:X} of {size} bytes runs past its parent", at);
            Position += idLength + sizeLength + (int)size;
            return rest.Slice(idLength + sizeLength, (int)size);
        }

        /// <summary>Decodes an element ID (1 to 4 bytes, marker bit kept); returns its length.</summary>
        public static int ReadId(ReadOnlySpan<byte> data, out uint id, long offset)
        {
            if (data.IsEmpty) throw new MatroskaFormatException("element ID runs past the end", offset);
            int length = VintLength(data[0]);
            if (length > 4) throw new MatroskaFormatException($"invalid element ID byte 0x{data[0]:X2}", offset);
            if (data.Length < length) throw new MatroskaFormatException("element ID runs past the end", offset);
            id = 0;
            for (int i = 0; i < length; i++) id = (id << 8) | data[i];
            return length;
        }

        /// <summary>Decodes an element data size (1 to 8 bytes); all value bits set means unknown (-1). Returns its length.</summary>
        public static int ReadSize(ReadOnlySpan<byte> data, out long size, long offset)
        {
            if (data.IsEmpty) throw new MatroskaFormatException("element size runs past the end", offset);
            int length = VintLength(data[0]);
            if (length > 8) throw new MatroskaFormatException("invalid element size byte 0x00", offset);
            if (data.Length < length) throw new MatroskaFormatException("element size runs past the end", offset);
            ulong value = (ulong)(data[0] & (0xFF >> length));
            bool allOnes = value == (ulong)(0xFF >> length);
            for (int i = 1; i < length; i++)
            {
                value = (value << 8) | data[i];
                allOnes &= data[i] == 0xFF;
            }
            size = allOnes ? -1 : (long)value;
            return length;
        }

        /// <summary>Length of a variable-size integer from its first byte: one more than its leading zero bits (9 for 0x00).</summary>
        public static int VintLength(byte first)
        {
            int length = 1;
            for (int mask = 0x80; mask != 0 && (first & mask) == 0; mask >>= 1) length++;
            return length;
        }

        public static ulong ReadUInt(ReadOnlySpan<byte> data, long offset)
        {
            if (data.Length > 8) throw new MatroskaFormatException($"unsigned integer of {data.Length} bytes", offset);
            ulong value = 0;
            foreach (byte b in data) value = (value << 8) | b;
            return value;
        }

        public static double ReadFloat(ReadOnlySpan<byte> data, long offset) => data.Length switch
        {
            0 => 0,
            4 => Int32BitsToSingle(BinaryPrimitives.ReadInt32BigEndian(data)),
            8 => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(data)),
            _ => throw new MatroskaFormatException($"float of {data.Length} bytes", offset),
        };

        // BitConverter.Int32BitsToSingle is missing from netstandard2.0.
        private static unsafe float Int32BitsToSingle(int bits) => *(float*)&bits;

        /// <summary>ASCII/UTF-8 string, cut at the first zero byte (EBML pads strings with zeros).</summary>
        public static string ReadString(ReadOnlySpan<byte> data)
        {
            int zero = data.IndexOf((byte)0);
            if (zero >= 0) data = data.Slice(0, zero);
            return Encoding.UTF8.GetString(data.ToArray());
        }
    }
}
