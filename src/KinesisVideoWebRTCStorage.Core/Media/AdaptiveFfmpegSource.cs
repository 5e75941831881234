using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// An ffmpeg-transcoded source whose bitrate can change while it runs. ffmpeg's command line cannot change libx264's
    /// bitrate in flight, so a change starts a second ffmpeg at the new bitrate and switches to it at its first frame,
    /// an IDR, when it is ready: make-before-break, so the media has no gap and the receiver gets a clean keyframe at the
    /// seam. The new process's timestamps are moved to continue the old one's clock. Capture devices, which one process
    /// holds exclusively, are switched break-before-make instead (a short freeze at the seam).
    /// </summary>
    public sealed class AdaptiveFfmpegSource : IMediaSource, IAdaptiveVideoSource
    {
        private static readonly HashSet<string> ExclusiveFormats = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "v4l2", "video4linux2", "dshow", "avfoundation", "decklink", "android_camera", "vfwcap",
        };

        private readonly string _input;
        private readonly FfmpegSourceOptions _options;
        private readonly bool _exclusive, _seekable;
        private readonly object _gate = new object();
        private FfmpegSource _current;
        private Task<FfmpegSource>? _next;
        private long _nextBitrate, _requested;
        private TimeSpan _offset, _lastVideoEnd, _lastAudio = TimeSpan.MinValue;
        private TimeSpan _currentStart, _nextStart; // where in a seekable input the current and the next process began
        private int _disposed;

        private AdaptiveFfmpegSource(string input, FfmpegSourceOptions options, FfmpegSource first, bool exclusive)
        {
            _input = input;
            _options = options;
            _current = first;
            _exclusive = exclusive;
            _seekable = System.IO.File.Exists(input);
            VideoBitrate = _requested = MaxVideoBitrate = options.VideoBitrate!.Value;
        }

        public H264CodecInfo? Video => _current.Video;
        public OpusCodecInfo? Audio => _current.Audio;
        public long VideoBitrate { get; private set; }
        public long MaxVideoBitrate { get; }

        /// <summary>Starts ffmpeg at <see cref="FfmpegSourceOptions.VideoBitrate"/>, which must be set.</summary>
        public static async Task<AdaptiveFfmpegSource> OpenAsync(string input, FfmpegSourceOptions options, string? inputFormat, CancellationToken cancellationToken = default)
        {
            if (options?.VideoBitrate == null) throw new ArgumentException("An adaptive source needs a starting VideoBitrate.", nameof(options));
            var first = await FfmpegSource.OpenAsync(input, options, cancellationToken).ConfigureAwait(false);
            return new AdaptiveFfmpegSource(input, options, first, inputFormat != null && ExclusiveFormats.Contains(inputFormat.Trim()));
        }

        public void RequestVideoBitrate(long bitsPerSecond)
        {
            lock (_gate)
            {
                if (_disposed != 0 || bitsPerSecond == _requested) return;
                _requested = bitsPerSecond;
                if (_next != null || _exclusive) return; // the pending switch, or the next read, picks the newest request
                _next = StartAsync(bitsPerSecond);
            }
        }

        private Task<FfmpegSource> StartAsync(long bitrate)
        {
            _nextBitrate = bitrate;
            // A file would start over: the new process seeks to where the running one is. Live inputs just go on.
            _nextStart = _seekable ? _currentStart + (_lastVideoEnd - _offset) : TimeSpan.Zero;
            return FfmpegSource.OpenAsync(_input, WithBitrate(bitrate, _nextStart));
        }

        private FfmpegSourceOptions WithBitrate(long bitrate, TimeSpan start) => new FfmpegSourceOptions
        {
            FfmpegPath = _options.FfmpegPath,
            InputArguments = start > TimeSpan.Zero
                ? ("-ss " + start.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " " + _options.InputArguments).Trim()
                : _options.InputArguments,
            CopyCompatibleVideo = false,
            KeyFrameIntervalSeconds = _options.KeyFrameIntervalSeconds,
            ErrorLinesKept = _options.ErrorLinesKept,
            VideoBitrate = bitrate,
        };

        public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            while (true)
            {
                var switched = await TrySwitchAsync(cancellationToken).ConfigureAwait(false);
                var frame = switched ?? await _current.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                if (frame == null) return null;
                var moved = frame.Value.WithTimestamp(frame.Value.Timestamp + _offset);
                if (moved.Kind == MediaTrackKind.Audio)
                {
                    if (moved.Timestamp <= _lastAudio) continue; // the new process's first audio may overlap the old one's last
                    _lastAudio = moved.Timestamp;
                }
                else
                {
                    _lastVideoEnd = moved.Timestamp + moved.Duration;
                }
                return moved;
            }
        }

        /// <summary>When a new encoder is ready, makes it current and returns its first video frame (an IDR); else null.</summary>
        private async Task<MediaFrame?> TrySwitchAsync(CancellationToken cancellationToken)
        {
            Task<FfmpegSource>? next;
            lock (_gate)
            {
                if (_exclusive && _next == null && _requested != VideoBitrate)
                {
                    // Break before make: the device is free only once the running ffmpeg is gone.
                    _current.Dispose();
                    _next = StartAsync(_requested);
                }
                next = _next;
            }
            if (next == null || (!next.IsCompleted && !_exclusive)) return null;
            FfmpegSource started;
            try
            {
                started = await next.ConfigureAwait(false);
            }
            catch (Exception e) when (e is FfmpegException && !_exclusive)
            {
                lock (_gate) _next = null; // keep the running encoder; a later request tries again
                return null;
            }
            MediaFrame? first;
            while (true)
            {
                first = await started.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                if (first == null || (first.Value.Kind == MediaTrackKind.Video && first.Value.IsKeyFrame)) break;
            }
            if (first == null)
            {
                started.Dispose();
                lock (_gate) _next = null;
                if (_exclusive) throw new FfmpegException("ffmpeg stopped while restarting the encoder at a new bitrate: " + started.LastErrorOutput);
                return null;
            }
            var old = _current;
            lock (_gate)
            {
                _current = started;
                _next = null;
                VideoBitrate = _nextBitrate;
                _currentStart = _nextStart;
                // The new process starts its clock at zero: continue the old one's, a frame after its last.
                _offset = _lastVideoEnd - first.Value.Timestamp;
                if (_requested != VideoBitrate && !_exclusive) _next = StartAsync(_requested);
            }
            if (!_exclusive) old.Dispose();
            return first;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Task<FfmpegSource>? next;
            lock (_gate) next = _next;
            _current.Dispose();
            next?.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
        }
    }
}
