using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace KinesisVideoWebRTCStorage.Media.Ogg
{
    /// <summary>
    /// Writes an Ogg Opus stream (RFC 7845): the OpusHead and OpusTags pages, then audio pages of a few packets each,
    /// each page flushed as it is finished so a crash loses at most a fraction of a second. Not thread-safe.
    /// </summary>
    public sealed class OggOpusWriter : IDisposable
    {
        /// <summary>Packets per audio page: 10 packets of 20 ms make pages of 200 ms.</summary>
        public const int PacketsPerPage = 10;

        /// <summary>An RTP Opus packet is far smaller; this is what one page's lacing can carry.</summary>
        public const int MaxPacketLength = 255 * 255 - 1;

        private const int HeaderLength = 27;
        private readonly Stream _output;
        private readonly uint _serial;
        private readonly byte[] _segments = new byte[255];
        private byte[] _body = new byte[4096];
        private int _bodyLength, _segmentCount, _packetsInPage;
        private uint _sequence;
        private long _granule;
        private bool _disposed;

        public OggOpusWriter(Stream output, OpusCodecInfo codec, uint serial, string vendor = "KinesisVideoWebRTCStorage")
        {
            _output = output ?? throw new ArgumentNullException(nameof(output));
            if (codec == null) throw new ArgumentNullException(nameof(codec));
            _serial = serial;
            WritePage(codec.OpusHead, granule: 0, headerType: 0x02);
            var vendorBytes = Encoding.UTF8.GetBytes(vendor);
            var tags = new byte[8 + 4 + vendorBytes.Length + 4];
            Encoding.ASCII.GetBytes("OpusTags").CopyTo(tags, 0);
            BinaryPrimitives.WriteUInt32LittleEndian(tags.AsSpan(8), (uint)vendorBytes.Length);
            vendorBytes.CopyTo(tags, 12);
            WritePage(tags, granule: 0, headerType: 0);
        }

        public long PacketsWritten { get; private set; }

        /// <summary>Adds one Opus packet ending at <paramref name="granuleEnd"/> (48 kHz samples, pre-skip included), which must not go back.</summary>
        public void WritePacket(ReadOnlySpan<byte> packet, long granuleEnd)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(OggOpusWriter));
            if (packet.Length == 0 || packet.Length > MaxPacketLength) throw new ArgumentException($"An Opus packet of {packet.Length} bytes cannot be written.", nameof(packet));
            if (granuleEnd < _granule) throw new ArgumentOutOfRangeException(nameof(granuleEnd), "Granule positions cannot go back.");
            int lacing = packet.Length / 255 + 1;
            if (_segmentCount + lacing > _segments.Length) FlushPage(endOfStream: false);
            for (int i = 0; i < lacing - 1; i++) _segments[_segmentCount++] = 255;
            _segments[_segmentCount++] = (byte)(packet.Length % 255);
            if (_bodyLength + packet.Length > _body.Length) Array.Resize(ref _body, Math.Max(_body.Length * 2, _bodyLength + packet.Length));
            packet.CopyTo(_body.AsSpan(_bodyLength));
            _bodyLength += packet.Length;
            _granule = granuleEnd;
            PacketsWritten++;
            if (++_packetsInPage >= PacketsPerPage) FlushPage(endOfStream: false);
        }

        private void FlushPage(bool endOfStream)
        {
            if (_segmentCount == 0 && !endOfStream) return;
            WritePage(_body.AsSpan(0, _bodyLength), _granule, endOfStream ? (byte)0x04 : (byte)0, _segments.AsSpan(0, _segmentCount));
            _bodyLength = 0;
            _segmentCount = 0;
            _packetsInPage = 0;
        }

        private void WritePage(ReadOnlySpan<byte> body, long granule, byte headerType)
        {
            // A header packet on a page of its own: its lacing, then a terminating segment shorter than 255.
            var lacing = new byte[body.Length / 255 + 1];
            for (int i = 0; i < lacing.Length - 1; i++) lacing[i] = 255;
            lacing[lacing.Length - 1] = (byte)(body.Length % 255);
            WritePage(body, granule, headerType, lacing);
        }

        private void WritePage(ReadOnlySpan<byte> body, long granule, byte headerType, ReadOnlySpan<byte> lacing)
        {
            var page = new byte[HeaderLength + lacing.Length + body.Length];
            Encoding.ASCII.GetBytes("OggS").CopyTo(page, 0);
            page[4] = 0; // version
            page[5] = headerType;
            BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), granule);
            BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), _serial);
            BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), _sequence++);
            page[26] = (byte)lacing.Length;
            lacing.CopyTo(page.AsSpan(HeaderLength));
            body.CopyTo(page.AsSpan(HeaderLength + lacing.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc.Compute(page));
            _output.Write(page, 0, page.Length);
            _output.Flush();
        }

        /// <summary>Writes the last page (end of stream) and closes the output.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            try
            {
                FlushPage(endOfStream: true);
            }
            finally
            {
                _output.Dispose();
            }
        }
    }
}
