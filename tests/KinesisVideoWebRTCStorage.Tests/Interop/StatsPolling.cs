using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>Reads a peer's stats repeatedly until they show what the test waits for.</summary>
    internal static class StatsPolling
    {
        /// <summary>
        /// Returns the first reading that satisfies <paramref name="done"/>, or the last one when time runs out, so that
        /// the test's assertions fail with the figures the peer actually reported.
        /// </summary>
        public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                T stats = await read().ConfigureAwait(false);
                if (done(stats) || clock.Elapsed > timeout) return stats;
                await Task.Delay(200).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Returns the first reading that satisfies <paramref name="complete"/>, or the first after
        /// <paramref name="progress"/> stayed the same for <paramref name="quiet"/> (the peer has finished with what it
        /// got), or the last one when time runs out. For counters that should end near, but may end short of, a target.
        /// </summary>
        public static async Task<T> UntilSettledAsync<T>(Func<Task<T>> read, Func<T, long> progress, Func<T, bool> complete, TimeSpan quiet, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            long last = long.MinValue;
            var lastChange = TimeSpan.Zero;
            while (true)
            {
                T stats = await read().ConfigureAwait(false);
                long current = progress(stats);
                if (current != last)
                {
                    last = current;
                    lastChange = clock.Elapsed;
                }
                if (complete(stats) || clock.Elapsed - lastChange >= quiet || clock.Elapsed > timeout) return stats;
                await Task.Delay(200).ConfigureAwait(false);
            }
        }
    }
}
