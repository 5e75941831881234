using System;

namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>Reads bits and exp-Golomb codes from an RBSP (emulation prevention already removed).</summary>
    internal ref struct RbspBitReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _bit;

        public RbspBitReader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _bit = 0;
        }

        public bool ReadFlag() => ReadBits(1) != 0;

        public uint ReadBits(int count)
        {
            if (_bit + count > _data.Length * 8) throw new H264FormatException("parameter set ends early");
            uint value = 0;
            for (int i = 0; i < count; i++, _bit++)
                value = (value << 1) | (uint)((_data[_bit >> 3] >> (7 - (_bit & 7))) & 1);
            return value;
        }

        /// <summary>ue(v); at most 31 leading zeros, so the value fits in 32 bits.</summary>
        public uint ReadUe()
        {
            int zeros = 0;
            while (ReadBits(1) == 0)
            {
                if (++zeros > 31) throw new H264FormatException("exp-Golomb code longer than 32 bits");
            }
            return zeros == 0 ? 0 : (uint)((1UL << zeros) - 1 + ReadBits(zeros));
        }

        /// <summary>ue(v) that must not exceed <paramref name="max"/>.</summary>
        public int ReadUe(int max, string field)
        {
            uint value = ReadUe();
            if (value > (uint)max) throw new H264FormatException($"{field} {value} is out of range (at most {max})");
            return (int)value;
        }

        /// <summary>se(v).</summary>
        public int ReadSe()
        {
            uint k = ReadUe();
            long magnitude = ((long)k + 1) / 2;
            return (int)((k & 1) != 0 ? magnitude : -magnitude);
        }
    }
}
