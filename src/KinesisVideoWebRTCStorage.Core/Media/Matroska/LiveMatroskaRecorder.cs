using System;
using System.IO;

namespace KinesisVideoWebRTCStorage.Media.Matroska
{
    /// <summary>
    /// Records frames as a WebRTC receiver delivers them: nothing is written until the first IDR that carries SPS and
    /// PPS (they describe the track), audio before it is dropped, and timestamps are rebased so the file starts at zero.
    /// Frames that do not move forward in time on their track are dropped and counted. Thread-safe.
    /// </summary>
    public sealed class LiveMatroskaRecorder : IDisposable
    {
        private readonly Func<Stream> _openOutput;
        private readonly bool _withAudio;
        private readonly object _lock = new object();
        private MatroskaMuxer? _muxer;
        private TimeSpan _origin, _lastVideo = TimeSpan.MinValue, _lastAudio = TimeSpan.MinValue;
        private long _lastVideoMs = -1, _lastAudioMs = -1;
        private bool _disposed;

        /// <param name="openOutput">Called once, at the first recordable keyframe, for the stream to write.</param>
        /// <param name="withAudio">Whether the file gets an Opus track.</param>
        public LiveMatroskaRecorder(Func<Stream> openOutput, bool withAudio = true)
        {
            _openOutput = openOutput ?? throw new ArgumentNullException(nameof(openOutput));
            _withAudio = withAudio;
        }

        /// <summary>True once the first keyframe opened the file.</summary>
        public bool Started { get { lock (_lock) return _muxer != null; } }

        public long VideoFrames { get; private set; }
        public long AudioFrames { get; private set; }
        public long KeyFrames { get; private set; }
        public long Bytes { get; private set; }

        /// <summary>Frames not written: before the first keyframe, out of order, or after the recording was closed.</summary>
        public long FramesDropped { get; private set; }

        /// <summary>Media time from the first keyframe to the latest frame written.</summary>
        public TimeSpan Duration { get; private set; }

        public H264CodecInfo? Video { get; private set; }

        public void Write(MediaTrackKind kind, ReadOnlySpan<byte> payload, TimeSpan timestamp, bool isKeyFrame)
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    FramesDropped++;
                    return;
                }
                if (_muxer == null)
                {
                    if (kind != MediaTrackKind.Video || !isKeyFrame || !(H264CodecInfo.TryFromAccessUnit(payload) is H264CodecInfo video))
                    {
                        FramesDropped++;
                        return;
                    }
                    Video = video;
                    _origin = timestamp;
                    _muxer = new MatroskaMuxer(_openOutput(), video, _withAudio ? OpusHead.ForRtp() : null);
                }
                var at = timestamp - _origin;
                ref TimeSpan last = ref kind == MediaTrackKind.Video ? ref _lastVideo : ref _lastAudio;
                if (at < TimeSpan.Zero || at <= last || (kind == MediaTrackKind.Audio && !_withAudio))
                {
                    FramesDropped++;
                    return;
                }
                last = at;
                // A frame within the file's millisecond of the one written before it (a browser's capture clock
                // jitters) moves on to the next: a repeated block time reads as time standing still, and dropping the
                // frame would break the references of the frames after it.
                ref long lastMs = ref kind == MediaTrackKind.Video ? ref _lastVideoMs : ref _lastAudioMs;
                long atMs = _muxer.BlockMilliseconds(kind, at);
                if (atMs <= lastMs)
                {
                    at += TimeSpan.FromMilliseconds(lastMs + 1 - atMs);
                    atMs = lastMs + 1;
                }
                lastMs = atMs;
                _muxer.WriteFrame(new MediaFrame(kind, at, TimeSpan.Zero, isKeyFrame, payload.ToArray()));
                if (kind == MediaTrackKind.Video) VideoFrames++;
                else AudioFrames++;
                if (isKeyFrame && kind == MediaTrackKind.Video) KeyFrames++;
                Bytes += payload.Length;
                if (at > Duration) Duration = at;
            }
        }

        /// <summary>Finishes the file (cues, duration) and closes it.</summary>
        public void Dispose()
        {
            lock (_lock)
            {
                if (_disposed) return;
                _disposed = true;
                _muxer?.Dispose();
            }
        }
    }
}
