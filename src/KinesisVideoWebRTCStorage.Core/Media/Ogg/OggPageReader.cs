using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media.Ogg
{
    /// <summary>Reads Ogg pages (RFC 3533 section 6) from a stream, checking the capture pattern, version and CRC.</summary>
    internal sealed class OggPageReader : IDisposable
    {
        public const int HeaderLength = 27;
        public const int MaxPageLength = HeaderLength + 255 + 255 * 255;

        private static readonly byte[] ZeroCrc = new byte[4];
        private readonly Stream _stream;
        private byte[] _page = ArrayPool<byte>.Shared.Rent(MaxPageLength);
        private long _offset;

        public OggPageReader(Stream stream)
        {
            _stream = stream;
        }

        public long PageOffset { get; private set; }
        public bool IsContinuation => (_page[5] & 1) != 0;
        public bool IsBeginning => (_page[5] & 2) != 0;
        public bool IsEnd => (_page[5] & 4) != 0;
        public long GranulePosition => BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(_page, 6, 8));
        public uint Serial => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(_page, 14, 4));
        public uint Sequence => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(_page, 18, 4));
        public ReadOnlySpan<byte> Lacing => new ReadOnlySpan<byte>(_page, HeaderLength, _page[26]);
        public ReadOnlySpan<byte> Body => new ReadOnlySpan<byte>(_page, HeaderLength + _page[26], BodyLength);
        private int BodyLength { get; set; }

        /// <summary>Reads the next page; false at a clean end of stream (between pages).</summary>
        public async ValueTask<bool> ReadPageAsync(CancellationToken cancellationToken)
        {
            PageOffset = _offset;
            int read = await _stream.ReadFullyAsync(_page, 0, HeaderLength, cancellationToken).ConfigureAwait(false);
            if (read == 0) return false;
            if (read < HeaderLength) throw new OggFormatException("truncated page header", PageOffset);
            if (_page[0] != 'O' || _page[1] != 'g' || _page[2] != 'g' || _page[3] != 'S') throw new OggFormatException("no OggS capture pattern: not an Ogg stream or lost sync", PageOffset);
            if (_page[4] != 0) throw new OggFormatException($"stream structure version {_page[4]} is not 0", PageOffset);
            int segments = _page[26];
            if (await _stream.ReadFullyAsync(_page, HeaderLength, segments, cancellationToken).ConfigureAwait(false) < segments)
                throw new OggFormatException("truncated segment table", PageOffset);
            int bodyLength = 0;
            for (int i = 0; i < segments; i++) bodyLength += _page[HeaderLength + i];
            int bodyStart = HeaderLength + segments;
            if (await _stream.ReadFullyAsync(_page, bodyStart, bodyLength, cancellationToken).ConfigureAwait(false) < bodyLength)
                throw new OggFormatException("truncated page body", PageOffset);
            BodyLength = bodyLength;
            _offset += bodyStart + bodyLength;

            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(_page, 22, 4));
            uint crc = OggCrc.Compute(new ReadOnlySpan<byte>(_page, 0, 22));
            crc = OggCrc.Compute(ZeroCrc, crc); // the CRC field counts as zero
            crc = OggCrc.Compute(new ReadOnlySpan<byte>(_page, 26, bodyStart + bodyLength - 26), crc);
            if (crc != stored) throw new OggFormatException($"page CRC 0x{crc:x8} does not match the stored 0x{stored:x8}", PageOffset);
            return true;
        }

        public void Dispose()
        {
            var page = _page;
            _page = Array.Empty<byte>();
            if (page.Length > 0) ArrayPool<byte>.Shared.Return(page);
        }
    }
}
