using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media.H264;

namespace KinesisVideoWebRTCStorage.Media.Matroska
{
    /// <summary>
    /// Demuxes H.264 (V_MPEG4/ISO/AVC) and Opus (A_OPUS) from Matroska or WebM read front to back, so it works on a
    /// live pipe: unknown-size segments and clusters, SimpleBlock and BlockGroup, all lacing modes. Video comes out as
    /// Annex-B access units with SPS/PPS before every IDR, starting at the first IDR.
    /// </summary>
    /// <remarks>
    /// Hostile input cannot nest it deeply: it never recurses, entering only the known masters at their fixed levels
    /// (Segment, Cluster, BlockGroup; Tracks and TrackEntry read whole from memory) and skipping everything else by size.
    /// </remarks>
    public sealed class MatroskaDemuxer : IMediaSource
    {
        public const string ReencodeAdvice = "re-encode with ffmpeg (e.g. ffmpeg -i in -c:v libx264 -c:a libopus out.mkv), or use -InputUri, which transcodes";

        /// <summary>Larger than any sane frame; bounds memory on hostile input.</summary>
        public const int MaxBlockLength = 16 * 1024 * 1024;

        /// <summary>Limit for the header elements read whole: EBML header, Info and Tracks (which hold CodecPrivate).</summary>
        private const int MaxHeaderElementLength = 1024 * 1024;

        private readonly Stream _stream;
        private readonly bool _leaveOpen;
        private readonly EbmlStreamReader _reader;
        private readonly PooledBuffer _element = new PooledBuffer();
        private readonly AccessUnitBuffer _unit = new AccessUnitBuffer(H264AnnexBSource.MaxAccessUnitLength);
        private readonly List<(int Offset, int Length)> _laces = new List<(int, int)>();
        private readonly ParameterSets _parameterSets = new ParameterSets();
        private long _segmentEnd = long.MaxValue;
        private long _timestampScale = 1_000_000;
        private MatroskaTrack? _videoTrack;
        private MatroskaTrack? _audioTrack;
        private AvcDecoderConfigurationRecord? _avc;
        private (bool Ok, uint Id, long Size, long Offset)? _peeked;
        private bool _inCluster;
        private long _clusterEnd;
        private long? _clusterTimestamp;
        private int _laceNext;
        private MatroskaTrack? _laceTrack;
        private long _laceTicks; // timestamp of the next laced frame
        private long _blockOffset;
        private bool _seenIdr;
        private bool _ended;

        private MatroskaDemuxer(Stream stream, bool leaveOpen)
        {
            _stream = stream;
            _leaveOpen = leaveOpen;
            _reader = new EbmlStreamReader(stream);
        }

        public H264CodecInfo? Video { get; private set; }

        public OpusCodecInfo? Audio { get; private set; }

        /// <summary>Reads the headers up to the first cluster so that the codec info is known.</summary>
        /// <exception cref="MatroskaFormatException">Not Matroska, damaged, or without a usable H.264 or Opus track.</exception>
        /// <exception cref="H264FormatException">The avcC or SPS in the codec private data is bad.</exception>
        public static async Task<MatroskaDemuxer> OpenAsync(Stream stream, bool leaveOpen = false, CancellationToken cancellationToken = default)
        {
            if (stream == null) throw new ArgumentNullException(nameof(stream));
            var demuxer = new MatroskaDemuxer(stream, leaveOpen);
            try
            {
                await demuxer.ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
                return demuxer;
            }
            catch
            {
                demuxer.Dispose();
                throw;
            }
        }

        private async Task ReadHeadersAsync(CancellationToken cancellationToken)
        {
            (bool Ok, uint Id, long Size, long Offset) header;
            try
            {
                header = await NextHeaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MatroskaFormatException)
            {
                header = default;
            }
            if (!header.Ok || header.Id != MatroskaIds.Ebml) throw new MatroskaFormatException("no EBML header: not a Matroska or WebM stream", 0);
            await ReadElementAsync(header, "the EBML header", cancellationToken).ConfigureAwait(false);
            CheckEbmlHeader(header.Offset);

            while (true)
            {
                header = await NextHeaderAsync(cancellationToken).ConfigureAwait(false);
                if (!header.Ok) throw new MatroskaFormatException("no Segment after the EBML header", _reader.Position);
                if (header.Id == MatroskaIds.Segment) break;
                await SkipAsync(header, cancellationToken).ConfigureAwait(false);
            }
            if (header.Size >= 0) _segmentEnd = _reader.Position + header.Size;

            bool haveTracks = false;
            while (true)
            {
                header = _reader.Position >= _segmentEnd ? default : await NextHeaderAsync(cancellationToken).ConfigureAwait(false);
                if (!header.Ok || header.Id == MatroskaIds.Cluster)
                {
                    _peeked = header.Ok ? header : null;
                    _ended = !header.Ok;
                    break;
                }
                CheckInSegment(header);
                switch (header.Id)
                {
                    case MatroskaIds.Info:
                        await ReadElementAsync(header, "Info", cancellationToken).ConfigureAwait(false);
                        ReadInfo(header.Offset);
                        break;
                    case MatroskaIds.Tracks:
                        await ReadElementAsync(header, "Tracks", cancellationToken).ConfigureAwait(false);
                        ReadTracks(header.Offset);
                        haveTracks = true;
                        break;
                    default:
                        await SkipAsync(header, cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
            if (!haveTracks) throw new MatroskaFormatException("no Tracks before the first Cluster", _reader.Position);
        }

        private void CheckEbmlHeader(long offset)
        {
            var r = new EbmlSpanReader(_element.Span, offset);
            string docType = "";
            while (!r.AtEnd)
            {
                var data = r.ReadElement(out uint id);
                switch (id)
                {
                    case MatroskaIds.DocType: docType = EbmlSpanReader.ReadString(data); break;
                    case MatroskaIds.EbmlReadVersion:
                        if (EbmlSpanReader.ReadUInt(data, offset) > 1) throw new MatroskaFormatException("EBMLReadVersion above 1 is not supported", offset);
                        break;
                    case MatroskaIds.EbmlMaxIdLength:
                        if (EbmlSpanReader.ReadUInt(data, offset) > 4) throw new MatroskaFormatException("EBMLMaxIDLength above 4 is not supported", offset);
                        break;
                    case MatroskaIds.EbmlMaxSizeLength:
                        if (EbmlSpanReader.ReadUInt(data, offset) > 8) throw new MatroskaFormatException("EBMLMaxSizeLength above 8 is not supported", offset);
                        break;
                }
            }
            if (docType != "matroska" && docType != "webm") throw new MatroskaFormatException($"DocType '{docType}' is neither matroska nor webm", offset);
        }

        private void ReadInfo(long offset)
        {
            var r = new EbmlSpanReader(_element.Span, offset);
            while (!r.AtEnd)
            {
                var data = r.ReadElement(out uint id);
                if (id != MatroskaIds.TimestampScale) continue;
                ulong scale = EbmlSpanReader.ReadUInt(data, offset);
                if (scale == 0 || scale > 1_000_000_000) throw new MatroskaFormatException($"TimestampScale {scale} ns is out of range", offset);
                _timestampScale = (long)scale;
            }
        }

        private void ReadTracks(long offset)
        {
            var r = new EbmlSpanReader(_element.Span, offset);
            while (!r.AtEnd)
            {
                var entry = r.ReadElement(out uint id);
                if (id != MatroskaIds.TrackEntry) continue;
                var track = ReadTrackEntry(entry, offset);
                if (track.Type == MatroskaIds.TrackTypeVideo && _videoTrack == null) _videoTrack = track;
                else if (track.Type == MatroskaIds.TrackTypeAudio && _audioTrack == null) _audioTrack = track;
            }
            if (_videoTrack == null && _audioTrack == null) throw new MatroskaFormatException("no video or audio track", offset);
            if (_videoTrack != null)
            {
                CheckCodec(_videoTrack, "V_MPEG4/ISO/AVC", "video", "H.264", offset);
                _avc = AvcDecoderConfigurationRecord.Parse(_videoTrack.CodecPrivate ?? throw new MatroskaFormatException("the H.264 track has no CodecPrivate (avcC)", offset));
                foreach (var set in _avc.Sps) _parameterSets.Update(set);
                foreach (var set in _avc.Pps) _parameterSets.Update(set);
                Video = new H264CodecInfo(_avc.Sps[0], _avc.Pps[0], H264Sps.Parse(_avc.Sps[0]));
            }
            if (_audioTrack != null)
            {
                CheckCodec(_audioTrack, "A_OPUS", "audio", "Opus", offset);
                Audio = OpusHead.TryParse(_audioTrack.CodecPrivate ?? throw new MatroskaFormatException("the Opus track has no CodecPrivate (OpusHead)", offset), out string error)
                    ?? throw new MatroskaFormatException(error, offset);
            }
        }

        private static void CheckCodec(MatroskaTrack track, string supported, string kind, string name, long offset)
        {
            if (track.CodecId != supported)
                throw new MatroskaFormatException($"the {kind} codec {track.CodecId} of track {track.Number} is not supported (only {name}, {supported}): {ReencodeAdvice}", offset);
            if (track.HasContentEncodings)
                throw new MatroskaFormatException($"track {track.Number} is compressed or encrypted (ContentEncodings), which is not supported: remux it with ffmpeg -c copy", offset);
        }

        private static MatroskaTrack ReadTrackEntry(ReadOnlySpan<byte> entry, long offset)
        {
            var track = new MatroskaTrack();
            var r = new EbmlSpanReader(entry, offset);
            while (!r.AtEnd)
            {
                var data = r.ReadElement(out uint id);
                switch (id)
                {
                    case MatroskaIds.TrackNumber: track.Number = EbmlSpanReader.ReadUInt(data, offset); break;
                    case MatroskaIds.TrackType: track.Type = (int)Math.Min(255, EbmlSpanReader.ReadUInt(data, offset)); break;
                    case MatroskaIds.CodecId: track.CodecId = EbmlSpanReader.ReadString(data); break;
                    case MatroskaIds.CodecPrivate: track.CodecPrivate = data.ToArray(); break;
                    case MatroskaIds.CodecDelay: track.CodecDelayNs = (long)Math.Min(long.MaxValue / 2, EbmlSpanReader.ReadUInt(data, offset)); break;
                    case MatroskaIds.DefaultDuration: track.DefaultDurationNs = (long)Math.Min(long.MaxValue / 2, EbmlSpanReader.ReadUInt(data, offset)); break;
                    case MatroskaIds.ContentEncodings: track.HasContentEncodings = true; break;
                }
            }
            if (track.Number == 0) throw new MatroskaFormatException("a TrackEntry has no TrackNumber", offset);
            return track;
        }

        public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            while (true)
            {
                while (_laceNext < _laces.Count)
                {
                    var frame = NextLacedFrame();
                    if (frame != null) return frame;
                }
                if (!await ReadBlockAsync(cancellationToken).ConfigureAwait(false)) return null;
            }
        }

        /// <summary>The next frame of the current block, or null for a video frame that cannot be decoded yet.</summary>
        private MediaFrame? NextLacedFrame()
        {
            var (offset, length) = _laces[_laceNext++];
            var payload = _element.Memory.Slice(offset, length);
            long ticks = _laceTicks;
            if (_laceTrack == _audioTrack)
            {
                if (!OpusPacket.TryGetSampleCount(payload.Span, out int samples)) throw new MatroskaFormatException("an Opus packet has an invalid TOC", _blockOffset);
                var duration = TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / OpusCodecInfo.ClockRate);
                _laceTicks += duration.Ticks;
                return new MediaFrame(MediaTrackKind.Audio, TimeSpan.FromTicks(ticks - _audioTrack!.CodecDelayNs / 100), duration, true, payload);
            }
            // Without DefaultDuration, the SPS frame rate gives a nominal duration (laced video needs one to step by).
            long frameTicks = _videoTrack!.DefaultDurationNs > 0 ? _videoTrack.DefaultDurationNs / 100
                : Video!.Parsed.FrameRate is double rate ? (long)(TimeSpan.TicksPerSecond / rate) : 0;
            _laceTicks += frameTicks;
            ToAnnexB(payload.Span);
            if (!_unit.HasSlice) return null;
            _seenIdr |= _unit.HasIdr;
            if (!_seenIdr) return null;
            return new MediaFrame(MediaTrackKind.Video, TimeSpan.FromTicks(ticks), TimeSpan.FromTicks(frameTicks), _unit.HasIdr, _unit.Memory);
        }

        private void ToAnnexB(ReadOnlySpan<byte> frame)
        {
            _unit.Clear();
            int lengthSize = _avc!.LengthSize;
            while (!frame.IsEmpty)
            {
                if (frame.Length < lengthSize) throw new MatroskaFormatException("H.264 NAL unit length prefix runs past the frame", _blockOffset);
                int length = 0;
                for (int i = 0; i < lengthSize; i++) length = (length << 8) | frame[i];
                if (length < 0 || length > frame.Length - lengthSize) throw new MatroskaFormatException($"H.264 NAL unit of {length} bytes runs past the frame", _blockOffset);
                if (length > 0)
                {
                    var nal = frame.Slice(lengthSize, length);
                    _parameterSets.Update(nal);
                    _unit.Append(nal, _parameterSets);
                }
                frame = frame.Slice(lengthSize + length);
            }
        }

        /// <summary>Reads up to the next block of a selected track and splits its frames; false at the end.</summary>
        private async ValueTask<bool> ReadBlockAsync(CancellationToken cancellationToken)
        {
            while (!_ended)
            {
                if (_reader.Position >= _segmentEnd) break;
                if (_inCluster && _reader.Position >= _clusterEnd) _inCluster = false;
                var header = await NextHeaderAsync(cancellationToken).ConfigureAwait(false);
                if (!header.Ok)
                {
                    if (_segmentEnd != long.MaxValue || (_inCluster && _clusterEnd != long.MaxValue))
                        throw new MatroskaFormatException("the stream ends inside the segment", _reader.Position);
                    break;
                }
                if (_inCluster)
                {
                    if (header.Size >= 0 && _reader.Position + header.Size > _clusterEnd)
                        throw new MatroskaFormatException($"element 0x{header.Id:X} runs past its Cluster", header.Offset);
                    switch (header.Id)
                    {
                        case MatroskaIds.Timestamp:
                            await ReadElementAsync(header, "a Cluster Timestamp", cancellationToken).ConfigureAwait(false);
                            ulong timestamp = EbmlSpanReader.ReadUInt(_element.Span, header.Offset);
                            if (timestamp > (ulong)(long.MaxValue / _timestampScale - short.MaxValue - 1)) throw new MatroskaFormatException("Cluster Timestamp out of range", header.Offset);
                            _clusterTimestamp = (long)timestamp;
                            continue;
                        case MatroskaIds.SimpleBlock:
                            await ReadElementAsync(header, "a SimpleBlock", cancellationToken).ConfigureAwait(false);
                            if (SplitBlock(0, _element.Length, header.Offset)) return true;
                            continue;
                        case MatroskaIds.BlockGroup:
                            await ReadElementAsync(header, "a BlockGroup", cancellationToken).ConfigureAwait(false);
                            if (SplitBlockGroup(header.Offset)) return true;
                            continue;
                    }
                    if (_clusterEnd == long.MaxValue && !IsClusterChild(header.Id))
                    {
                        _inCluster = false; // an unknown-size cluster ends at the first element that cannot be its child
                    }
                    else
                    {
                        await SkipAsync(header, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }
                CheckInSegment(header);
                if (header.Id == MatroskaIds.Cluster)
                {
                    _inCluster = true;
                    _clusterEnd = header.Size < 0 ? long.MaxValue : _reader.Position + header.Size;
                    _clusterTimestamp = null;
                }
                else if (header.Id == MatroskaIds.Ebml || header.Id == MatroskaIds.Segment)
                {
                    break; // a following segment (a chained stream) is not read
                }
                else
                {
                    await SkipAsync(header, cancellationToken).ConfigureAwait(false);
                }
            }
            _ended = true;
            return false;
        }

        private static bool IsClusterChild(uint id) => id switch
        {
            MatroskaIds.Void or MatroskaIds.Crc32 or 0xA7 /* Position */ or 0xAB /* PrevSize */ or 0x5854 /* SilentTracks */ or 0xAF /* EncryptedBlock */ => true,
            _ => false,
        };

        private bool SplitBlockGroup(long offset)
        {
            var r = new EbmlSpanReader(_element.Span, offset);
            int blockStart = -1, blockLength = 0;
            while (!r.AtEnd)
            {
                var data = r.ReadElement(out uint id);
                if (id != MatroskaIds.Block) continue;
                blockLength = data.Length;
                blockStart = r.Position - blockLength;
            }
            if (blockStart < 0) throw new MatroskaFormatException("BlockGroup without a Block", offset);
            return SplitBlock(blockStart, blockLength, offset);
        }

        /// <summary>
        /// Parses the header and lacing of the block at [start, start + length) of the element buffer; false when it
        /// belongs to no selected track. Key frames are judged by the IDR inside rather than the block flags.
        /// </summary>
        private bool SplitBlock(int start, int length, long offset)
        {
            var element = _element.Span;
            var block = element.Slice(start, length);
            int at = EbmlSpanReader.ReadSize(block, out long trackNumber, offset);
            MatroskaTrack? track = trackNumber == (long?)_videoTrack?.Number ? _videoTrack : trackNumber == (long?)_audioTrack?.Number ? _audioTrack : null;
            if (track == null) return false;
            if (block.Length < at + 3) throw new MatroskaFormatException("block header runs past the block", offset);
            if (_clusterTimestamp == null) throw new MatroskaFormatException("block before its Cluster Timestamp", offset);
            short relative = (short)((block[at] << 8) | block[at + 1]);
            byte flags = block[at + 2];
            at += 3;
            _blockOffset = offset;
            _laceTrack = track;
            _laceTicks = (_clusterTimestamp.Value + relative) * _timestampScale / 100;
            BlockLacing.Split(element.Slice(0, start + length), start + at, (flags >> 1) & 3, _laces, offset);
            _laceNext = 0;
            return true;
        }

        private async ValueTask<(bool Ok, uint Id, long Size, long Offset)> NextHeaderAsync(CancellationToken cancellationToken)
        {
            if (_peeked is { } peeked)
            {
                _peeked = null;
                return peeked;
            }
            long offset = _reader.Position;
            var (ok, id, size) = await _reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            return (ok, id, size, offset);
        }

        private void CheckInSegment((bool Ok, uint Id, long Size, long Offset) header)
        {
            if (header.Size >= 0 && _segmentEnd != long.MaxValue && _reader.Position + header.Size > _segmentEnd)
                throw new MatroskaFormatException($"element 0x{header.Id:X} runs past the Segment", header.Offset);
        }

        private ValueTask ReadElementAsync((bool Ok, uint Id, long Size, long Offset) header, string what, CancellationToken cancellationToken)
        {
            if (header.Size < 0) throw new MatroskaFormatException($"{what} has an unknown size", header.Offset);
            bool isBlock = header.Id == MatroskaIds.SimpleBlock || header.Id == MatroskaIds.BlockGroup;
            return _reader.ReadAsync(header.Size, isBlock ? MaxBlockLength : MaxHeaderElementLength, _element, what, cancellationToken);
        }

        private ValueTask SkipAsync((bool Ok, uint Id, long Size, long Offset) header, CancellationToken cancellationToken)
        {
            if (header.Size < 0) throw new MatroskaFormatException($"element 0x{header.Id:X} of unknown size cannot be skipped", header.Offset);
            return _reader.SkipAsync(header.Size, cancellationToken);
        }

        public void Dispose()
        {
            _reader.Dispose();
            _element.Dispose();
            _unit.Dispose();
            if (!_leaveOpen) _stream.Dispose();
        }
    }
}
