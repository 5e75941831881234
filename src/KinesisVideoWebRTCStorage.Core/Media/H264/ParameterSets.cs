using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>
    /// The SPS and PPS NAL units seen so far, one per id (a stream may use several PPS), to put in front of IDRs.
    /// </summary>
    internal sealed class ParameterSets
    {
        private readonly SortedList<int, byte[]> _sps = new SortedList<int, byte[]>();
        private readonly SortedList<int, byte[]> _pps = new SortedList<int, byte[]>();

        public IList<byte[]> Sps => _sps.Values;

        public IList<byte[]> Pps => _pps.Values;

        /// <summary>The SPS seen last, which describes the stream.</summary>
        public byte[]? LatestSps { get; private set; }

        public byte[]? LatestPps { get; private set; }

        /// <summary>Stores an SPS (validated by parsing) or PPS NAL unit; other NAL units are ignored.</summary>
        public void Update(ReadOnlySpan<byte> nal)
        {
            int type = NalUnitType.Of(nal[0]);
            if (type == NalUnitType.Sps)
            {
                H264Sps.Parse(nal);
                LatestSps = Store(_sps, ReadId(nal.Slice(4), 31, "seq_parameter_set_id"), nal);
            }
            else if (type == NalUnitType.Pps)
            {
                if (nal.Length > H264Sps.MaxLength) throw new H264FormatException($"PPS of {nal.Length} bytes is too long");
                LatestPps = Store(_pps, ReadId(nal.Slice(1), 255, "pic_parameter_set_id"), nal);
            }
        }

        private static byte[] Store(SortedList<int, byte[]> sets, int id, ReadOnlySpan<byte> nal)
        {
            // Encoders repeat identical parameter sets before every IDR: keep the stored copy rather than allocate.
            if (!sets.TryGetValue(id, out var stored) || !nal.SequenceEqual(stored)) sets[id] = stored = nal.ToArray();
            return stored;
        }

        /// <summary>The ue(v) id at the start of <paramref name="rbspStart"/>; the first few bytes suffice.</summary>
        private static int ReadId(ReadOnlySpan<byte> rbspStart, int max, string field)
        {
            Span<byte> rbsp = stackalloc byte[Math.Min(16, rbspStart.Length)];
            int length = EmulationPrevention.Remove(rbspStart.Slice(0, rbsp.Length), rbsp);
            var reader = new RbspBitReader(rbsp.Slice(0, length));
            return reader.ReadUe(max, field);
        }
    }
}
