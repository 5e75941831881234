using System;
using System.Collections.Concurrent;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Our connection's latest trace lines, timestamped: the first thing to read when an independent peer refuses us,
    /// so it goes into failure messages. Bounded, so a long call cannot grow it.
    /// </summary>
    internal sealed class RecentTrace
    {
        private const int LinesKept = 60;
        private readonly ConcurrentQueue<string> lines = new ConcurrentQueue<string>();

        public void Add(string line)
        {
            lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
            while (lines.Count > LinesKept) lines.TryDequeue(out _);
        }

        /// <summary>Oldest first, one per line.</summary>
        public override string ToString() => string.Join("\n", lines);
    }
}
