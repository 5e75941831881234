using System;
using System.Buffers;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>A reusable growable byte buffer rented from the shared pool, so steady-state reading does not allocate.</summary>
    internal sealed class PooledBuffer : IDisposable
    {
        private byte[] _array;

        public PooledBuffer(int initialCapacity = 4096)
        {
            _array = ArrayPool<byte>.Shared.Rent(initialCapacity);
        }

        public int Length { get; set; }

        public byte[] Array => _array;

        public ReadOnlyMemory<byte> Memory => new ReadOnlyMemory<byte>(_array, 0, Length);

        public ReadOnlySpan<byte> Span => new ReadOnlySpan<byte>(_array, 0, Length);

        public void Append(ReadOnlySpan<byte> data)
        {
            EnsureCapacity(Length + data.Length);
            data.CopyTo(new Span<byte>(_array, Length, data.Length));
            Length += data.Length;
        }

        public void EnsureCapacity(int capacity)
        {
            if (capacity <= _array.Length) return;
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, _array.Length * 2));
            Buffer.BlockCopy(_array, 0, grown, 0, Length);
            ArrayPool<byte>.Shared.Return(_array);
            _array = grown;
        }

        public void Dispose()
        {
            var array = _array;
            _array = System.Array.Empty<byte>();
            Length = 0;
            if (array.Length > 0) ArrayPool<byte>.Shared.Return(array);
        }
    }
}
