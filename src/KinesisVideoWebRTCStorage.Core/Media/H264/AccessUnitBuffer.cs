using System;

namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>
    /// Builds one Annex-B access unit (four-byte start codes) in a pooled, reused buffer, noting which NAL unit types
    /// it holds so that parameter sets can be put in front of IDR slices.
    /// </summary>
    internal sealed class AccessUnitBuffer : IDisposable
    {
        private static readonly byte[] StartCode = { 0, 0, 0, 1 };
        private readonly int _maxLength;
        private readonly PooledBuffer _buffer = new PooledBuffer();

        public AccessUnitBuffer(int maxLength)
        {
            _maxLength = maxLength;
        }

        public int Length => _buffer.Length;
        public bool HasSlice { get; private set; }
        public bool HasIdr { get; private set; }
        public bool HasSps { get; private set; }
        public bool HasPps { get; private set; }

        public ReadOnlyMemory<byte> Memory => _buffer.Memory;

        public void Clear()
        {
            _buffer.Length = 0;
            HasSlice = HasIdr = HasSps = HasPps = false;
        }

        /// <summary>
        /// Appends a NAL unit; before the first IDR slice, appends the known SPS or PPS units when the access unit has
        /// none of its own, so every IDR can be decoded on its own.
        /// </summary>
        public void Append(ReadOnlySpan<byte> nal, ParameterSets? sets)
        {
            if (nal.IsEmpty) throw new H264FormatException("empty NAL unit");
            int type = NalUnitType.Of(nal[0]);
            if (type == NalUnitType.IdrSlice && !HasIdr)
            {
                if ((!HasSps && (sets == null || sets.Sps.Count == 0)) || (!HasPps && (sets == null || sets.Pps.Count == 0)))
                    throw new H264FormatException("IDR slice before any SPS and PPS");
                if (!HasSps)
                {
                    foreach (var sps in sets!.Sps) Append(sps, null);
                }
                if (!HasPps)
                {
                    foreach (var pps in sets!.Pps) Append(pps, null);
                }
            }
            switch (type)
            {
                case NalUnitType.Sps: HasSps = true; break;
                case NalUnitType.Pps: HasPps = true; break;
                case NalUnitType.IdrSlice: HasIdr = HasSlice = true; break;
                case NalUnitType.NonIdrSlice:
                case NalUnitType.PartitionA:
                case 3:
                case 4:
                    HasSlice = true;
                    break;
            }
            Write(StartCode);
            Write(nal);
        }

        private void Write(ReadOnlySpan<byte> data)
        {
            if (Length + data.Length > _maxLength) throw new H264FormatException($"access unit longer than {_maxLength} bytes");
            _buffer.Append(data);
        }

        public void Dispose() => _buffer.Dispose();
    }
}
