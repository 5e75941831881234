using System;
using System.Buffers;

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
        private byte[] _buffer;

        public AccessUnitBuffer(int maxLength)
        {
            _maxLength = maxLength;
            _buffer = ArrayPool<byte>.Shared.Rent(4096);
        }

        public int Length { get; private set; }
        public bool HasSlice { get; private set; }
        public bool HasIdr { get; private set; }
        public bool HasSps { get; private set; }
        public bool HasPps { get; private set; }

        public ReadOnlyMemory<byte> Memory => new ReadOnlyMemory<byte>(_buffer, 0, Length);

        public void Clear()
        {
            Length = 0;
            HasSlice = HasIdr = HasSps = HasPps = false;
        }

        /// <summary>
        /// Appends a NAL unit; before the first IDR slice, appends whichever of <paramref name="sps"/> and
        /// <paramref name="pps"/> the unit lacks, so every IDR can be decoded on its own.
        /// </summary>
        public void Append(ReadOnlySpan<byte> nal, byte[]? sps, byte[]? pps)
        {
            if (nal.IsEmpty) throw new H264FormatException("empty NAL unit");
            int type = NalUnitType.Of(nal[0]);
            if (type == NalUnitType.IdrSlice && !HasIdr)
            {
                if ((!HasSps && sps == null) || (!HasPps && pps == null)) throw new H264FormatException("IDR slice before any SPS and PPS");
                if (!HasSps) Append(sps, null, null);
                if (!HasPps) Append(pps, null, null);
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
            int needed = Length + data.Length;
            if (needed > _maxLength) throw new H264FormatException($"access unit longer than {_maxLength} bytes");
            if (needed > _buffer.Length)
            {
                var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Min(_maxLength, _buffer.Length * 2)));
                Buffer.BlockCopy(_buffer, 0, grown, 0, Length);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = grown;
            }
            data.CopyTo(new Span<byte>(_buffer, Length, data.Length));
            Length = needed;
        }

        public void Dispose()
        {
            var buffer = _buffer;
            _buffer = Array.Empty<byte>();
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
