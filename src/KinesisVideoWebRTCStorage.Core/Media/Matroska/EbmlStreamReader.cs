using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media.Matroska
{
    /// <summary>
    /// Reads EBML element headers and bodies sequentially from a stream that need not seek (a pipe from ffmpeg), through
    /// a read-ahead buffer, counting the position.
    /// </summary>
    internal sealed class EbmlStreamReader : IDisposable
    {
        private const int BufferSize = 64 * 1024;

        private readonly Stream _stream;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        private int _start;
        private int _end;

        public EbmlStreamReader(Stream stream)
        {
            _stream = stream;
        }

        /// <summary>Stream offset of the next unread byte.</summary>
        public long Position { get; private set; }

        /// <summary>
        /// Reads an element header; false at a clean end of stream. <paramref name="size"/> is -1 for unknown size.
        /// </summary>
        public async ValueTask<(bool Ok, uint Id, long Size)> ReadHeaderAsync(CancellationToken cancellationToken)
        {
            // An ID is at most 4 bytes and a size at most 8.
            if (!await EnsureAsync(1, cancellationToken).ConfigureAwait(false)) return (false, 0, 0);
            await EnsureAsync(12, cancellationToken).ConfigureAwait(false);
            var data = new ReadOnlySpan<byte>(_buffer, _start, _end - _start);
            int idLength = EbmlSpanReader.ReadId(data, out uint id, Position);
            int sizeLength = EbmlSpanReader.ReadSize(data.Slice(idLength), out long size, Position + idLength);
            Consume(idLength + sizeLength);
            return (true, id, size);
        }

        /// <summary>
        /// Reads <paramref name="length"/> bytes into <paramref name="target"/> (a pooled buffer, grown as data actually
        /// arrives so that a lying size cannot make it allocate more than the input holds).
        /// </summary>
        public async ValueTask ReadAsync(long length, int maxLength, PooledBuffer target, string what, CancellationToken cancellationToken)
        {
            if (length > maxLength) throw new MatroskaFormatException($"{what} of {length} bytes is larger than the limit of {maxLength}", Position);
            target.Length = 0;
            int remaining = (int)length;
            while (remaining > 0)
            {
                if (_start == _end && !await EnsureAsync(1, cancellationToken).ConfigureAwait(false))
                    throw new MatroskaFormatException($"the stream ends inside {what}", Position);
                int take = Math.Min(remaining, _end - _start);
                target.Append(new ReadOnlySpan<byte>(_buffer, _start, take));
                Consume(take);
                remaining -= take;
            }
        }

        public async ValueTask SkipAsync(long length, CancellationToken cancellationToken)
        {
            while (length > 0)
            {
                if (_start == _end && !await EnsureAsync(1, cancellationToken).ConfigureAwait(false))
                    throw new MatroskaFormatException("the stream ends inside an element", Position);
                int take = (int)Math.Min(length, _end - _start);
                Consume(take);
                length -= take;
            }
        }

        private void Consume(int count)
        {
            _start += count;
            Position += count;
        }

        /// <summary>Buffers at least <paramref name="count"/> bytes if the stream has them; false if it ends first.</summary>
        private async ValueTask<bool> EnsureAsync(int count, CancellationToken cancellationToken)
        {
            while (_end - _start < count)
            {
                if (_buffer.Length - _start < count || _end == _buffer.Length)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                int read = await _stream.ReadAsync(_buffer, _end, _buffer.Length - _end, cancellationToken).ConfigureAwait(false);
                if (read <= 0) return false;
                _end += read;
            }
            return true;
        }

        public void Dispose()
        {
            var buffer = _buffer;
            _buffer = Array.Empty<byte>();
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
