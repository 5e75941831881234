using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>
    /// Splits an Annex-B byte stream (start-code delimited NAL units) read from a <see cref="Stream"/>, holding at most
    /// one NAL unit plus one read in memory.
    /// </summary>
    internal sealed class AnnexBNalReader : IDisposable
    {
        private const int ReadSize = 16 * 1024;

        private readonly Stream _stream;
        private readonly int _maxNalLength;
        private byte[] _buffer;
        private int _start; // first byte not yet returned
        private int _end; // end of buffered data
        private long _bufferOffset; // stream offset of _buffer[0]
        private bool _endOfStream;
        private bool _started;

        public AnnexBNalReader(Stream stream, int maxNalLength)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            _maxNalLength = maxNalLength;
            _buffer = ArrayPool<byte>.Shared.Rent(ReadSize * 2);
        }

        /// <summary>The stream offset of the NAL unit last returned.</summary>
        public long NalOffset { get; private set; }

        /// <summary>The next non-empty NAL unit without its start code, or empty at the end. Valid until the next call.</summary>
        public async ValueTask<ReadOnlyMemory<byte>> ReadNalAsync(CancellationToken cancellationToken)
        {
            if (!_started)
            {
                await SkipToFirstStartCodeAsync(cancellationToken).ConfigureAwait(false);
                _started = true;
            }
            while (true)
            {
                if (_start >= _end && !await FillAsync(cancellationToken).ConfigureAwait(false)) return ReadOnlyMemory<byte>.Empty;
                int scanned = 0; // bytes after _start known not to begin a start code; kept relative as Fill moves data
                int next;
                while ((next = FindStartCode(_buffer, _start + scanned, _end)) < 0)
                {
                    // Rescan the last two bytes: a start code may straddle the read boundary.
                    scanned = Math.Max(0, _end - 2 - _start);
                    if (!await FillAsync(cancellationToken).ConfigureAwait(false)) break;
                }
                int nalStart = _start;
                int nalEnd = next < 0 ? _end : next;
                _start = next < 0 ? _end : next + 3;
                // Trailing zeros belong to a four-byte start code or trailing_zero_8bits, not to the NAL unit.
                while (nalEnd > nalStart && _buffer[nalEnd - 1] == 0) nalEnd--;
                if (nalEnd == nalStart) continue;
                NalOffset = _bufferOffset + nalStart;
                if ((_buffer[nalStart] & 0x80) != 0) throw new H264FormatException("NAL unit has forbidden_zero_bit set", NalOffset);
                return new ReadOnlyMemory<byte>(_buffer, nalStart, nalEnd - nalStart);
            }
        }

        private async ValueTask SkipToFirstStartCodeAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                int code = FindStartCode(_buffer, _start, _end);
                int limit = code >= 0 ? code : Math.Max(_start, _end - 2);
                for (int i = _start; i < limit; i++)
                {
                    if (_buffer[i] != 0) throw new H264FormatException("data before the first start code: not an Annex-B H.264 stream", _bufferOffset + i);
                }
                if (code >= 0)
                {
                    _start = code + 3;
                    return;
                }
                _start = limit;
                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (_bufferOffset + _end == 0) return; // an empty stream is simply empty
                    throw new H264FormatException("no start code: not an Annex-B H.264 stream", _bufferOffset + _end);
                }
            }
        }

        /// <summary>Appends at least one byte from the stream, compacting or growing the buffer; false at the end.</summary>
        private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_endOfStream) return false;
            if (_start > 0 && _buffer.Length - _end < ReadSize)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _bufferOffset += _start;
                _end -= _start;
                _start = 0;
            }
            if (_buffer.Length - _end < ReadSize)
            {
                if (_end - _start > _maxNalLength) throw new H264FormatException($"NAL unit longer than {_maxNalLength} bytes", _bufferOffset + _start);
                var grown = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                Buffer.BlockCopy(_buffer, _start, grown, 0, _end - _start);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = grown;
                _bufferOffset += _start;
                _end -= _start;
                _start = 0;
            }
            int read = await _stream.ReadAsync(_buffer, _end, _buffer.Length - _end, cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                _endOfStream = true;
                return false;
            }
            _end += read;
            return true;
        }

        private static int FindStartCode(byte[] buffer, int from, int to)
        {
            int index = AnnexB.FindStartCode(new ReadOnlySpan<byte>(buffer, from, Math.Max(0, to - from)));
            return index < 0 ? -1 : from + index;
        }

        public void Dispose()
        {
            var buffer = _buffer;
            _buffer = Array.Empty<byte>();
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
