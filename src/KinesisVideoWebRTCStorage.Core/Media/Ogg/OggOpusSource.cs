using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media.Ogg
{
    /// <summary>
    /// Reads Opus packets from an Ogg Opus stream (RFC 7845): OpusHead and OpusTags, packets spanning pages, and
    /// timestamps from the first audio page's granule position, the TOC durations and the pre-skip.
    /// </summary>
    /// <remarks>Follows the first Opus logical stream and ignores others multiplexed with it; ends at its last page.</remarks>
    public sealed class OggOpusSource : IMediaSource
    {
        /// <summary>Opus packets are at most a few tens of KB; larger ones are hostile.</summary>
        public const int MaxPacketLength = 256 * 1024;

        private static readonly byte[] TagsMagic = { (byte)'O', (byte)'p', (byte)'u', (byte)'s', (byte)'T', (byte)'a', (byte)'g', (byte)'s' };

        private readonly Stream _stream;
        private readonly bool _leaveOpen;
        private readonly OggPageReader _pages;
        private readonly List<(int Offset, int Length, int Samples)> _packets = new List<(int, int, int)>();
        private readonly PooledBuffer _partial = new PooledBuffer(); // a packet continued onto the next page
        private bool _inPacket;
        private readonly PooledBuffer _completed = new PooledBuffer(); // packets finished on the current page
        private int _next; // index in _packets of the next packet to return
        private uint _serial;
        private uint _expectedSequence;
        private int _headerPackets;
        private long _position = -1; // 48 kHz sample position of the next packet's start, once known
        private bool _ended;

        private OggOpusSource(Stream stream, bool leaveOpen)
        {
            _stream = stream;
            _leaveOpen = leaveOpen;
            _pages = new OggPageReader(stream);
        }

        public H264CodecInfo? Video => null;

        public OpusCodecInfo? Audio { get; private set; }

        /// <summary>Reads the Opus headers so that the codec info is known.</summary>
        /// <exception cref="OggFormatException">The stream is not Ogg Opus or is damaged.</exception>
        public static async Task<OggOpusSource> OpenAsync(Stream stream, bool leaveOpen = false, CancellationToken cancellationToken = default)
        {
            if (stream == null) throw new ArgumentNullException(nameof(stream));
            var source = new OggOpusSource(stream, leaveOpen);
            try
            {
                while (source._headerPackets < 2)
                {
                    if (!await source.ReadPageAsync(cancellationToken).ConfigureAwait(false)) throw new OggFormatException("the stream ends before the Opus headers");
                }
                return source;
            }
            catch
            {
                source.Dispose();
                throw;
            }
        }

        public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            while (_next >= _packets.Count)
            {
                if (_ended || !await ReadPageAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (_inPacket && !_ended) throw new OggFormatException("the stream ends inside a packet");
                    return null;
                }
            }
            var (offset, length, samples) = _packets[_next++];
            var timestamp = SamplesToTime(_position - Audio!.PreSkip);
            _position += samples;
            return new MediaFrame(MediaTrackKind.Audio, timestamp, SamplesToTime(samples), true, _completed.Memory.Slice(offset, length));
        }

        private static TimeSpan SamplesToTime(long samples) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / OpusCodecInfo.ClockRate);

        /// <summary>Reads pages until one of our stream's; false at the end.</summary>
        private async ValueTask<bool> ReadPageAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                if (!await _pages.ReadPageAsync(cancellationToken).ConfigureAwait(false)) return false;
                if (Audio == null && _headerPackets == 0)
                {
                    // Before the OpusHead, look for the beginning page of an Opus stream.
                    if (!_pages.IsBeginning) throw new OggFormatException("no beginning page with an OpusHead: not an Ogg Opus stream", _pages.PageOffset);
                    if (!OpusHead.HasMagic(_pages.Body)) continue;
                    _serial = _pages.Serial;
                    _expectedSequence = _pages.Sequence;
                }
                else if (_pages.Serial != _serial)
                {
                    continue;
                }
                if (_pages.Sequence != _expectedSequence) throw new OggFormatException($"page {_pages.Sequence} where {_expectedSequence} was expected: pages are missing", _pages.PageOffset);
                _expectedSequence++;
                SplitPackets();
                if (_pages.IsEnd) _ended = true;
                return true;
            }
        }

        /// <summary>Collects the packets the current page completes and handles headers; timestamps audio packets.</summary>
        private void SplitPackets()
        {
            _packets.Clear();
            _next = 0;
            _completed.Length = 0;
            if (_pages.IsContinuation != _inPacket)
                throw new OggFormatException(_inPacket ? "a packet is cut off by a page that does not continue it" : "a page continues a packet that never began", _pages.PageOffset);
            var lacing = _pages.Lacing;
            var body = _pages.Body;
            int at = 0;
            long pageSamples = 0;
            for (int i = 0; i < lacing.Length; i++)
            {
                int size = lacing[i];
                AppendToPartial(body.Slice(at, size));
                at += size;
                _inPacket = true;
                if (size == 255) continue;
                _inPacket = false;
                var packet = _partial.Span;
                _partial.Length = 0;
                if (_headerPackets < 2)
                {
                    ReadHeader(packet);
                    continue;
                }
                if (!OpusPacket.TryGetSampleCount(packet, out int samples)) throw new OggFormatException("an Opus packet has an invalid TOC", _pages.PageOffset);
                _packets.Add((_completed.Length, packet.Length, samples));
                _completed.Append(packet);
                pageSamples += samples;
            }
            if (_headerPackets == 2 && _packets.Count > 0 && _pages.IsEnd && _position >= 0) TrimEnd(_position + pageSamples);
            if (_headerPackets == 2 && _packets.Count > 0 && _position < 0)
            {
                // RFC 7845 4: the first audio page's granule position is the end of its last packet.
                long granule = _pages.GranulePosition;
                if (granule < 0) throw new OggFormatException("the first audio page has no granule position", _pages.PageOffset);
                _position = granule - pageSamples;
                if (_position < 0)
                {
                    if (!_pages.IsEnd) throw new OggFormatException("the first audio page's granule position is smaller than its packets' duration", _pages.PageOffset);
                    _position = 0; // a stream of one page may end early: its samples are trimmed at the end, not the start
                }
            }
        }

        /// <summary>RFC 7845 4.5: the last page's granule position may end the stream before its last packet does.</summary>
        private void TrimEnd(long end)
        {
            long excess = end - _pages.GranulePosition;
            var (offset, length, samples) = _packets[_packets.Count - 1];
            if (excess > 0 && excess <= samples) _packets[_packets.Count - 1] = (offset, length, samples - (int)excess);
        }

        private void ReadHeader(ReadOnlySpan<byte> packet)
        {
            if (_headerPackets == 0)
            {
                Audio = OpusHead.TryParse(packet, out string error) ?? throw new OggFormatException(error, _pages.PageOffset);
                if (!_pages.IsBeginning) throw new OggFormatException("the OpusHead packet does not start on the beginning page", _pages.PageOffset);
            }
            else if (packet.Length < 8 || !packet.Slice(0, 8).SequenceEqual(TagsMagic))
            {
                throw new OggFormatException("the second packet is not OpusTags", _pages.PageOffset);
            }
            _headerPackets++;
        }

        private void AppendToPartial(ReadOnlySpan<byte> data)
        {
            // OpusTags may hold cover art of any size; only its magic matters, so keep just the start of it.
            int keep = _headerPackets == 1 ? Math.Max(0, Math.Min(data.Length, 8 - _partial.Length)) : data.Length;
            if (_partial.Length + keep > MaxPacketLength) throw new OggFormatException($"packet longer than {MaxPacketLength} bytes", _pages.PageOffset);
            _partial.Append(data.Slice(0, keep));
        }

        public void Dispose()
        {
            _pages.Dispose();
            _partial.Dispose();
            _completed.Dispose();
            if (!_leaveOpen) _stream.Dispose();
        }
    }
}
