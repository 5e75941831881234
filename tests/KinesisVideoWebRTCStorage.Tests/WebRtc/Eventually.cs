using System;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc
{
    /// <summary>Polls a condition about network state until it holds or the deadline passes.</summary>
    internal static class Eventually
    {
        /// <summary>
        /// Polling continues on the thread pool (ConfigureAwait(false)): on xunit's context, CPU-bound tests running in
        /// parallel can hold the few worker threads for seconds, which would eat into the deadline.
        /// </summary>
        public static async Task True(Func<bool> condition, int milliseconds = 10_000, Func<string>? describe = null)
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(milliseconds);
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time: " + describe?.Invoke());
                await Task.Delay(10).ConfigureAwait(false);
            }
        }
    }
}
