using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Gcc
{
    /// <summary>
    /// A drop-tail bottleneck in virtual time: packets queue behind each other at the link's rate, and a full buffer
    /// drops. What it reports per packet is what transport-wide feedback would say about it.
    /// </summary>
    internal sealed class SimulatedBottleneck
    {
        private readonly long _bufferBytes;
        private long _freeAtMicros;

        public SimulatedBottleneck(long bitsPerSecond, long bufferBytes = 60_000, long propagationMicros = 20_000)
        {
            Rate = bitsPerSecond;
            _bufferBytes = bufferBytes;
            Propagation = propagationMicros;
        }

        public long Rate { get; set; }
        public long Propagation { get; }

        public PacketResult Send(long sendMicros, int size)
        {
            long start = Math.Max(sendMicros, _freeAtMicros);
            long queuedBytes = (start - sendMicros) * Rate / 8 / 1_000_000;
            if (queuedBytes + size > _bufferBytes) return new PacketResult(sendMicros, -1, size);
            _freeAtMicros = start + size * 8L * 1_000_000 / Rate;
            return new PacketResult(sendMicros, _freeAtMicros + Propagation, size);
        }

        /// <summary>
        /// Runs a sender for <paramref name="seconds"/> whose rate <paramref name="rateFor"/> picks from the estimate,
        /// feeding back every 100 ms; returns the estimate at each feedback.
        /// </summary>
        public static List<(double Seconds, long Estimate)> Run(DelayBasedBandwidthEstimator estimator, SimulatedBottleneck link, double seconds,
            Func<double, long, long> rateFor, Action<double, SimulatedBottleneck>? atFeedback = null)
        {
            var trace = new List<(double, long)>();
            var pending = new List<PacketResult>();
            long now = 0, nextFeedback = 100_000;
            const int size = 1200;
            while (now < seconds * 1_000_000)
            {
                long rate = Math.Max(rateFor(now / 1e6, estimator.Estimate), 10_000);
                pending.Add(link.Send(now, size));
                now += size * 8L * 1_000_000 / rate;
                if (now < nextFeedback) continue;
                // Feedback covers what arrived by now; the rest waits for the next one.
                var ready = pending.FindAll(p => !p.Received || p.ArrivalMicroseconds <= now);
                pending.RemoveAll(p => !p.Received || p.ArrivalMicroseconds <= now);
                estimator.OnFeedback(ready, TimeSpan.FromMilliseconds(60), now / 1000);
                trace.Add((now / 1e6, estimator.Estimate));
                atFeedback?.Invoke(now / 1e6, link);
                nextFeedback += 100_000;
            }
            return trace;
        }
    }
}
