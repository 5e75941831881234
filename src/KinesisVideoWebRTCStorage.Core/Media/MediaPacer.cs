using System;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// Releases a source's frames at their timestamps (the first at once), so audio and video leave in sync and on
    /// time; or as fast as possible for tests and benchmarks.
    /// </summary>
    public sealed class MediaPacer : IDisposable
    {
        private readonly IMediaSource _source;
        private readonly bool _realTime;
        private readonly PacingClock _clock;
        private TimeSpan? _origin; // clock time at which timestamp zero is due

        /// <param name="realTime">False to release frames as fast as they can be read.</param>
        /// <param name="clock">The clock to pace against; the machine's monotonic clock by default.</param>
        public MediaPacer(IMediaSource source, bool realTime = true, PacingClock? clock = null)
        {
            _source = source ?? throw new ArgumentNullException(nameof(source));
            _realTime = realTime;
            _clock = clock ?? PacingClock.Monotonic;
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
            _origin ??= _clock.Now - timestamp;
            var due = _origin.Value + timestamp;
            await _clock.WaitUntilAsync(due, cancellationToken).ConfigureAwait(false);
            LastLateness = _clock.Now - due;
            return frame;
        }

        /// <summary>Disposes the source: the pacer owns it.</summary>
        public void Dispose() => _source.Dispose();
    }
}
