using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// The monotonic clock a <see cref="MediaPacer"/> waits on; replaceable so pacing decisions can be tested without
    /// depending on how busy the machine is.
    /// </summary>
    public abstract class PacingClock
    {
        /// <summary>The machine's monotonic clock.</summary>
        public static PacingClock Monotonic { get; } = new MonotonicClock();

        /// <summary>Time since an arbitrary fixed origin.</summary>
        public abstract TimeSpan Now { get; }

        /// <summary>Completes once <see cref="Now"/> has reached <paramref name="due"/>.</summary>
        public abstract ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken);

        /// <remarks>
        /// Waits with Task.Delay until shortly before the due time and yields the thread for the last stretch, which
        /// keeps lateness near a millisecond without spinning a core. Where the OS timer is coarse (Windows' default
        /// 15.6 ms), lateness is bounded by that period instead.
        /// </remarks>
        private sealed class MonotonicClock : PacingClock
        {
            /// <summary>How early the timer wait ends, covering Task.Delay's lateness on Linux and macOS.</summary>
            private static readonly TimeSpan TimerMargin = TimeSpan.FromMilliseconds(1.5);

            private static readonly double TicksPerStopwatchTick = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

            public override TimeSpan Now => new TimeSpan((long)(Stopwatch.GetTimestamp() * TicksPerStopwatchTick));

            public override async ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
            {
                var remaining = due - Now;
                if (remaining > TimerMargin) await Task.Delay(remaining - TimerMargin, cancellationToken).ConfigureAwait(false);
                while (Now < due)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Thread.Yield();
                }
            }
        }
    }
}
