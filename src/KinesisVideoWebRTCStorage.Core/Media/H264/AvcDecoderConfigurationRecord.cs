using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>
    /// The avcC record (ISO/IEC 14496-15 5.3.3.1) that Matroska and MP4 carry as codec private data: parameter sets
    /// and the size of the NAL unit length prefixes.
    /// </summary>
    public sealed class AvcDecoderConfigurationRecord
    {
        private AvcDecoderConfigurationRecord(int lengthSize, IReadOnlyList<byte[]> sps, IReadOnlyList<byte[]> pps)
        {
            LengthSize = lengthSize;
            Sps = sps;
            Pps = pps;
        }

        /// <summary>Bytes in each NAL unit length prefix: 1, 2 or 4.</summary>
        public int LengthSize { get; }

        public IReadOnlyList<byte[]> Sps { get; }

        public IReadOnlyList<byte[]> Pps { get; }

        /// <exception cref="H264FormatException">The record is truncated or inconsistent.</exception>
        public static AvcDecoderConfigurationRecord Parse(ReadOnlySpan<byte> data)
        {
            if (data.Length < 7) throw new H264FormatException($"avcC of {data.Length} bytes is too short");
            if (data[0] != 1) throw new H264FormatException($"avcC version {data[0]} is not 1");
            int lengthSize = (data[4] & 3) + 1;
            if (lengthSize == 3) throw new H264FormatException("avcC NAL length size of 3 bytes is not allowed");
            int at = 5;
            var sps = ReadSets(data, ref at, data[at++] & 0x1F, NalUnitType.Sps);
            if (at >= data.Length) throw new H264FormatException("avcC ends before its PPS count");
            var pps = ReadSets(data, ref at, data[at++], NalUnitType.Pps);
            if (sps.Count == 0 || pps.Count == 0) throw new H264FormatException("avcC has no SPS or no PPS");
            return new AvcDecoderConfigurationRecord(lengthSize, sps, pps);
        }

        private static List<byte[]> ReadSets(ReadOnlySpan<byte> data, ref int at, int count, int type)
        {
            var sets = new List<byte[]>(count);
            for (int i = 0; i < count; i++)
            {
                if (at + 2 > data.Length) throw new H264FormatException("avcC parameter set length runs past the end");
                int length = (data[at] << 8) | data[at + 1];
                at += 2;
                if (length == 0 || length > data.Length - at) throw new H264FormatException($"avcC parameter set of {length} bytes does not fit");
                var set = data.Slice(at, length);
                if (NalUnitType.Of(set[0]) != type) throw new H264FormatException($"avcC holds NAL unit type {NalUnitType.Of(set[0])} where type {type} belongs");
                sets.Add(set.ToArray());
                at += length;
            }
            return sets;
        }

        /// <summary>Builds an avcC with four-byte NAL lengths from one SPS and one PPS (header bytes included).</summary>
        public static byte[] Build(ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps)
        {
            if (sps.Length < 4 || sps.Length > ushort.MaxValue || pps.Length < 1 || pps.Length > ushort.MaxValue)
                throw new ArgumentException("SPS or PPS has an impossible length.");
            var record = new byte[11 + sps.Length + pps.Length];
            record[0] = 1;
            record[1] = sps[1]; // profile_idc
            record[2] = sps[2]; // constraint flags
            record[3] = sps[3]; // level_idc
            record[4] = 0xFF; // reserved bits, lengthSizeMinusOne = 3
            record[5] = 0xE1; // reserved bits, one SPS
            record[6] = (byte)(sps.Length >> 8);
            record[7] = (byte)sps.Length;
            sps.CopyTo(record.AsSpan(8));
            int at = 8 + sps.Length;
            record[at] = 1;
            record[at + 1] = (byte)(pps.Length >> 8);
            record[at + 2] = (byte)pps.Length;
            pps.CopyTo(record.AsSpan(at + 3));
            return record;
        }
    }
}
