using System;

namespace KinesisVideoWebRTCStorage.Media.Ogg
{
    /// <summary>The Ogg page checksum (RFC 3533 section 6): CRC-32, polynomial 0x04c11db7, not reflected, zero initial value.</summary>
    public static class OggCrc
    {
        private static readonly uint[] Table = BuildTable();

        public static uint Compute(ReadOnlySpan<byte> data, uint crc = 0)
        {
            foreach (byte b in data) crc = (crc << 8) ^ Table[(crc >> 24) ^ b];
            return crc;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint i = 0; i < 256; i++)
            {
                uint r = i << 24;
                for (int k = 0; k < 8; k++) r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
                table[i] = r;
            }
            return table;
        }
    }
}
