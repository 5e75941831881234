using System;
using System.Threading;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>Bounded retries with "full jitter" exponential backoff.</summary>
    public sealed class RetryPolicy
    {
        public static readonly RetryPolicy Default = new RetryPolicy(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        public static readonly RetryPolicy None = new RetryPolicy(0, TimeSpan.Zero, TimeSpan.Zero);

        private static int seed = Environment.TickCount;
        private static readonly ThreadLocal<Random> Jitter = new ThreadLocal<Random>(() => new Random(Interlocked.Increment(ref seed)));

        public RetryPolicy(int maxRetries, TimeSpan baseDelay, TimeSpan maxDelay)
        {
            if (maxRetries < 0 || maxRetries > 20) throw new ArgumentOutOfRangeException(nameof(maxRetries), maxRetries, "between 0 and 20");
            MaxRetries = maxRetries;
            BaseDelay = baseDelay;
            MaxDelay = maxDelay;
        }

        public int MaxRetries { get; }
        public TimeSpan BaseDelay { get; }
        public TimeSpan MaxDelay { get; }

        /// <summary>The wait before retry number <paramref name="retry"/> (1-based): uniform in [0, min(max, base·2^(retry-1))].</summary>
        public TimeSpan DelayBefore(int retry)
        {
            double ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30)));
            return TimeSpan.FromMilliseconds(Jitter.Value!.NextDouble() * ceiling);
        }
    }
}
