using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// Releases a source's frames at their timestamps (the first at once), so audio and video leave in sync and on
    /// time; or as fast as possible for tests and benchmarks.
    /// </summary>
    /// <remarks>
    /// Waits with Task.Delay until shortly before a frame is due and yields the thread for the last stretch, which
    /// keeps lateness near a millisecond without spinning a core. Where the OS timer is coarse (Windows' default
    /// 15.6 ms), lateness is bounded by that period instead.
    /// </remarks>
    public sealed class MediaPacer : IDisposable
    {
        /// <summary>How early the timer wait ends, covering Task.Delay's lateness on Linux and macOS.</summary>
        private static readonly TimeSpan TimerMargin = TimeSpan.FromMilliseconds(1.5);

        private readonly IMediaSource _source;
        private readonly bool _realTime;
        private readonly Stopwatch _clock = new Stopwatch();
        private TimeSpan _origin; // clock time at which timestamp zero is due

        /// <param name="realTime">False to release frames as fast as they can be read.</param>
        public MediaPacer(IMediaSource source, bool realTime = true)
        {
            _source = source ?? throw new ArgumentNullException(nameof(source));
            _realTime = realTime;
        }

        public IMediaSource Source => _source;

        /// <summary>How late the last frame was released against its due time (zero when not real time).</summary>
        public TimeSpan LastLateness { get; private set; }

        /// <summary>The next frame at its due time, or null at the end of the source.</summary>
        public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            var frame = await _source.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (frame == null || !_realTime) return frame;
            var timestamp = frame.Value.Timestamp;
            if (!_clock.IsRunning)
            {
                _clock.Start();
                _origin = -timestamp;
            }
            var due = _origin + timestamp;
            var remaining = due - _clock.Elapsed;
            if (remaining > TimerMargin) await Task.Delay(remaining - TimerMargin, cancellationToken).ConfigureAwait(false);
            while (_clock.Elapsed < due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Yield();
            }
            LastLateness = _clock.Elapsed - due;
            return frame;
        }

        /// <summary>Disposes the source: the pacer owns it.</summary>
        public void Dispose() => _source.Dispose();
    }
}
