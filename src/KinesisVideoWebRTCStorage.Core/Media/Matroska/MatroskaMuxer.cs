using System;
using System.Collections.Generic;
using System.IO;
using KinesisVideoWebRTCStorage.Media.H264;

namespace KinesisVideoWebRTCStorage.Media.Matroska
{
    /// <summary>
    /// Writes H.264 and Opus frames to Matroska. Each cluster is written and flushed once complete, so a file cut off by
    /// a crash plays up to its last cluster; on a clean <see cref="Dispose"/> of a seekable output the Cues, Duration,
    /// SeekHead and Segment size are filled in.
    /// </summary>
    /// <remarks>
    /// Frames must come in timestamp order (per track, and across tracks within a few seconds). Video before the first
    /// key frame is dropped, since nothing could decode it.
    /// </remarks>
    public sealed class MatroskaMuxer : IDisposable
    {
        private const ulong VideoTrackNumber = 1;
        private const ulong AudioTrackNumber = 2;
        private const long TicksPerMillisecond = TimeSpan.TicksPerMillisecond;
        private const long MaxClusterMilliseconds = 5000;
        private const int SeekHeadReserve = 160; // room for a SeekHead with Info, Tracks and Cues entries
        private const int DurationLength = 11; // 2-byte ID, 1-byte size, 8-byte float; reserved as a Void of equal size
        private const long UnknownSize = (1L << 56) - 1; // all value bits of an 8-byte size set

        private readonly Stream _output;
        private readonly bool _leaveOpen;
        private readonly bool _seekable;
        private readonly H264CodecInfo? _video;
        private readonly OpusCodecInfo? _audio;
        private readonly PooledBuffer _cluster = new PooledBuffer(64 * 1024);
        private readonly List<(long TimeMs, ulong Track, long ClusterPosition)> _cues = new List<(long, ulong, long)>();
        private readonly long _segmentDataStart; // absolute stream position; other positions are relative to it
        private readonly long _infoPosition;
        private readonly long _tracksPosition;
        private readonly long _durationPosition;
        private long _written; // segment data bytes written so far
        private long _clusterTimeMs = -1; // timestamp of the cluster being built, -1 when none
        private long _clusterPosition;
        private int _clusterSizeAt;
        private bool _clusterHasCue;
        private bool _seenVideoKey;
        private long _endMs;
        private bool _disposed;

        /// <param name="output">Seekable for Cues and Duration; a pipe also works and gets an unknown-size segment.</param>
        public MatroskaMuxer(Stream output, H264CodecInfo? video, OpusCodecInfo? audio, bool leaveOpen = false)
        {
            _output = output ?? throw new ArgumentNullException(nameof(output));
            if (video == null && audio == null) throw new ArgumentException("At least one of video and audio is needed.");
            _video = video;
            _audio = audio;
            _leaveOpen = leaveOpen;
            _seekable = output.CanSeek;

            using var header = new PooledBuffer();
            int ebml = EbmlWriter.StartMaster(header, MatroskaIds.Ebml);
            EbmlWriter.WriteUInt(header, MatroskaIds.EbmlVersion, 1);
            EbmlWriter.WriteUInt(header, MatroskaIds.EbmlReadVersion, 1);
            EbmlWriter.WriteUInt(header, MatroskaIds.EbmlMaxIdLength, 4);
            EbmlWriter.WriteUInt(header, MatroskaIds.EbmlMaxSizeLength, 8);
            EbmlWriter.WriteString(header, MatroskaIds.DocType, "matroska");
            EbmlWriter.WriteUInt(header, MatroskaIds.DocTypeVersion, 4);
            EbmlWriter.WriteUInt(header, MatroskaIds.DocTypeReadVersion, 2);
            EbmlWriter.EndMaster(header, ebml);

            EbmlWriter.WriteId(header, MatroskaIds.Segment);
            EbmlWriter.WriteSize(header, UnknownSize, EbmlWriter.PatchableSizeLength); // patched on a clean close
            int dataStart = header.Length;
            EbmlWriter.WriteVoid(header, SeekHeadReserve); // becomes the SeekHead on a clean close

            _infoPosition = header.Length - dataStart;
            int info = EbmlWriter.StartMaster(header, MatroskaIds.Info);
            EbmlWriter.WriteUInt(header, MatroskaIds.TimestampScale, 1_000_000);
            EbmlWriter.WriteString(header, MatroskaIds.MuxingApp, "KinesisVideoWebRTCStorage");
            EbmlWriter.WriteString(header, MatroskaIds.WritingApp, "KinesisVideoWebRTCStorage");
            long durationIndex = header.Length;
            EbmlWriter.WriteVoid(header, DurationLength); // becomes the Duration on a clean close
            EbmlWriter.EndMaster(header, info);

            _tracksPosition = header.Length - dataStart;
            WriteTracks(header);

            long start = _seekable ? output.Position : 0;
            _segmentDataStart = start + dataStart;
            _durationPosition = start + durationIndex;
            _written = header.Length - dataStart;
            _output.Write(header.Array, 0, header.Length);
            _output.Flush();
        }

        private void WriteTracks(PooledBuffer buffer)
        {
            int tracks = EbmlWriter.StartMaster(buffer, MatroskaIds.Tracks);
            if (_video != null)
            {
                int entry = EbmlWriter.StartMaster(buffer, MatroskaIds.TrackEntry);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.TrackNumber, VideoTrackNumber);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.TrackUid, VideoTrackNumber);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.TrackType, MatroskaIds.TrackTypeVideo);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.FlagLacing, 0);
                EbmlWriter.WriteString(buffer, MatroskaIds.CodecId, "V_MPEG4/ISO/AVC");
                EbmlWriter.WriteBinary(buffer, MatroskaIds.CodecPrivate, AvcDecoderConfigurationRecord.Build(_video.Sps, _video.Pps));
                if (_video.Parsed.FrameRate is double rate) EbmlWriter.WriteUInt(buffer, MatroskaIds.DefaultDuration, (ulong)Math.Round(1e9 / rate));
                int video = EbmlWriter.StartMaster(buffer, MatroskaIds.Video);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.PixelWidth, (ulong)_video.Width);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.PixelHeight, (ulong)_video.Height);
                EbmlWriter.EndMaster(buffer, video);
                EbmlWriter.EndMaster(buffer, entry);
            }
            if (_audio != null)
            {
                int entry = EbmlWriter.StartMaster(buffer, MatroskaIds.TrackEntry);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.TrackNumber, AudioTrackNumber);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.TrackUid, AudioTrackNumber);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.TrackType, MatroskaIds.TrackTypeAudio);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.FlagLacing, 0);
                EbmlWriter.WriteString(buffer, MatroskaIds.CodecId, "A_OPUS");
                EbmlWriter.WriteBinary(buffer, MatroskaIds.CodecPrivate, _audio.OpusHead);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.CodecDelay, (ulong)PreSkipTicks * 100);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.SeekPreRoll, 80_000_000); // RFC 7845: 80 ms to converge after a seek
                int audio = EbmlWriter.StartMaster(buffer, MatroskaIds.Audio);
                EbmlWriter.WriteFloat(buffer, MatroskaIds.SamplingFrequency, OpusCodecInfo.ClockRate);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.Channels, (ulong)_audio.Channels);
                EbmlWriter.EndMaster(buffer, audio);
                EbmlWriter.EndMaster(buffer, entry);
            }
            EbmlWriter.EndMaster(buffer, tracks);
        }

        private long PreSkipTicks => _audio == null ? 0 : (long)_audio.PreSkip * TimeSpan.TicksPerSecond / OpusCodecInfo.ClockRate;

        /// <summary>
        /// The block time, in the file's milliseconds, that a frame of this track and timestamp gets. Frames closer
        /// together than that resolution share a block time, which players read as time standing still.
        /// </summary>
        public long BlockMilliseconds(MediaTrackKind kind, TimeSpan timestamp)
            => (BlockTicks(kind, timestamp) + TicksPerMillisecond / 2) / TicksPerMillisecond;

        // Matroska counts Opus time from the first decoded sample, pre-skip included (CodecDelay says how much to drop).
        private long BlockTicks(MediaTrackKind kind, TimeSpan timestamp)
            => timestamp.Ticks + (kind == MediaTrackKind.Video ? 0 : PreSkipTicks);

        /// <summary>Adds a frame. Video payloads are Annex-B access units; audio payloads are Opus packets.</summary>
        public void WriteFrame(in MediaFrame frame)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(MatroskaMuxer));
            bool isVideo = frame.Kind == MediaTrackKind.Video;
            if (isVideo ? _video == null : _audio == null) throw new ArgumentException($"The muxer has no {frame.Kind} track.", nameof(frame));
            long ticks = BlockTicks(frame.Kind, frame.Timestamp);
            if (ticks < 0) throw new ArgumentOutOfRangeException(nameof(frame), "Timestamps before the start of the recording cannot be written.");
            long timeMs = (ticks + TicksPerMillisecond / 2) / TicksPerMillisecond;
            bool videoKey = isVideo && frame.IsKeyFrame;
            _seenVideoKey |= videoKey;
            if (isVideo && !_seenVideoKey) return;

            bool audioOnly = _video == null;
            if (_clusterTimeMs < 0
                || videoKey
                || timeMs - _clusterTimeMs > short.MaxValue || timeMs - _clusterTimeMs < short.MinValue
                || (audioOnly && timeMs - _clusterTimeMs >= MaxClusterMilliseconds)
                || timeMs - _clusterTimeMs >= 4 * MaxClusterMilliseconds)
            {
                StartCluster(timeMs);
            }
            if (!_clusterHasCue && (videoKey || audioOnly))
            {
                _cues.Add((timeMs, isVideo ? VideoTrackNumber : AudioTrackNumber, _clusterPosition));
                _clusterHasCue = true;
            }

            int payloadLength = isVideo ? LengthPrefixedSize(frame.Payload.Span) : frame.Payload.Length;
            EbmlWriter.WriteId(_cluster, MatroskaIds.SimpleBlock);
            EbmlWriter.WriteSize(_cluster, 4 + payloadLength);
            _cluster.EnsureCapacity(_cluster.Length + 4 + payloadLength);
            var block = new Span<byte>(_cluster.Array, _cluster.Length, 4 + payloadLength);
            block[0] = (byte)(0x80 | (isVideo ? VideoTrackNumber : AudioTrackNumber)); // track number as a 1-byte vint
            short relative = (short)(timeMs - _clusterTimeMs);
            block[1] = (byte)(relative >> 8);
            block[2] = (byte)relative;
            block[3] = (byte)(frame.IsKeyFrame ? 0x80 : 0);
            if (isVideo) WriteLengthPrefixed(frame.Payload.Span, block.Slice(4));
            else frame.Payload.Span.CopyTo(block.Slice(4));
            _cluster.Length += block.Length;
            _endMs = Math.Max(_endMs, (ticks + frame.Duration.Ticks + TicksPerMillisecond / 2) / TicksPerMillisecond);
        }

        private void StartCluster(long timeMs)
        {
            FlushCluster();
            _clusterPosition = _written;
            _clusterTimeMs = timeMs;
            _clusterHasCue = false;
            _clusterSizeAt = EbmlWriter.StartMaster(_cluster, MatroskaIds.Cluster);
            EbmlWriter.WriteUInt(_cluster, MatroskaIds.Timestamp, (ulong)timeMs);
        }

        /// <summary>Writes the finished cluster out and flushes it, so that it survives a crash of this process.</summary>
        private void FlushCluster()
        {
            if (_cluster.Length == 0) return;
            EbmlWriter.EndMaster(_cluster, _clusterSizeAt);
            _output.Write(_cluster.Array, 0, _cluster.Length);
            _output.Flush();
            _written += _cluster.Length;
            _cluster.Length = 0;
        }

        /// <summary>Size of an Annex-B access unit rewritten with four-byte lengths, without access unit delimiters.</summary>
        private static int LengthPrefixedSize(ReadOnlySpan<byte> accessUnit)
        {
            int size = 0;
            while (AnnexB.TryReadNal(ref accessUnit, out var nal))
            {
                if (NalUnitType.Of(nal[0]) != NalUnitType.AccessUnitDelimiter) size += 4 + nal.Length;
            }
            return size;
        }

        private static void WriteLengthPrefixed(ReadOnlySpan<byte> accessUnit, Span<byte> target)
        {
            while (AnnexB.TryReadNal(ref accessUnit, out var nal))
            {
                if (NalUnitType.Of(nal[0]) == NalUnitType.AccessUnitDelimiter) continue;
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(target, nal.Length);
                nal.CopyTo(target.Slice(4));
                target = target.Slice(4 + nal.Length);
            }
        }

        /// <summary>Writes the last cluster and, when the output can seek, the Cues, Duration, SeekHead and Segment size.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            try
            {
                FlushCluster();
                if (_seekable) Finish();
            }
            finally
            {
                _cluster.Dispose();
                if (!_leaveOpen) _output.Dispose();
            }
        }

        private void Finish()
        {
            using var buffer = new PooledBuffer();
            long cuesPosition = _written;
            int cues = EbmlWriter.StartMaster(buffer, MatroskaIds.Cues);
            foreach (var (timeMs, track, clusterPosition) in _cues)
            {
                int point = EbmlWriter.StartMaster(buffer, MatroskaIds.CuePoint);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.CueTime, (ulong)timeMs);
                int positions = EbmlWriter.StartMaster(buffer, MatroskaIds.CueTrackPositions);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.CueTrack, track);
                EbmlWriter.WriteUInt(buffer, MatroskaIds.CueClusterPosition, (ulong)clusterPosition);
                EbmlWriter.EndMaster(buffer, positions);
                EbmlWriter.EndMaster(buffer, point);
            }
            EbmlWriter.EndMaster(buffer, cues);
            _output.Write(buffer.Array, 0, buffer.Length);
            long end = _output.Position;

            buffer.Length = 0;
            int seekHead = EbmlWriter.StartMaster(buffer, MatroskaIds.SeekHead);
            WriteSeek(buffer, MatroskaIds.Info, _infoPosition);
            WriteSeek(buffer, MatroskaIds.Tracks, _tracksPosition);
            WriteSeek(buffer, MatroskaIds.Cues, cuesPosition);
            EbmlWriter.EndMaster(buffer, seekHead);
            EbmlWriter.WriteVoid(buffer, SeekHeadReserve - buffer.Length);
            _output.Position = _segmentDataStart;
            _output.Write(buffer.Array, 0, buffer.Length);

            buffer.Length = 0;
            EbmlWriter.WriteFloat(buffer, MatroskaIds.Duration, _endMs);
            _output.Position = _durationPosition;
            _output.Write(buffer.Array, 0, buffer.Length);

            buffer.Length = 0;
            EbmlWriter.WriteSize(buffer, end - _segmentDataStart, EbmlWriter.PatchableSizeLength);
            _output.Position = _segmentDataStart - EbmlWriter.PatchableSizeLength;
            _output.Write(buffer.Array, 0, buffer.Length);
            _output.Position = end;
            _output.Flush();
        }

        private static void WriteSeek(PooledBuffer buffer, uint id, long position)
        {
            int seek = EbmlWriter.StartMaster(buffer, MatroskaIds.Seek);
            Span<byte> idBytes = stackalloc byte[4];
            EbmlWriter.WriteBinary(buffer, MatroskaIds.SeekId, idBytes.Slice(0, EbmlWriter.EncodeId(idBytes, id)));
            EbmlWriter.WriteUInt(buffer, MatroskaIds.SeekPosition, (ulong)position);
            EbmlWriter.EndMaster(buffer, seek);
        }
    }
}
