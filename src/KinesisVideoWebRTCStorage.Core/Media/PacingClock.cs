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
        /// Sleeps with Task.Delay rounded up to the timer's whole milliseconds and never spins: a frame leaves at most
        /// about a millisecond late (a timer period late where the OS timer is coarse, 15.6 ms on Windows by default),
        /// which the receiver's jitter buffer absorbs, while a spinning wait would cost each paced stream several
        /// percent of a core and limit how many sessions one machine can run.
        /// </remarks>
        private sealed class MonotonicClock : PacingClock
        {
            private static readonly double TicksPerStopwatchTick = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

            public override TimeSpan Now => new TimeSpan((long)(Stopwatch.GetTimestamp() * TicksPerStopwatchTick));

            public override async ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
            {
                TimeSpan remaining;
                while ((remaining = due - Now) > TimeSpan.Zero)
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }
}
