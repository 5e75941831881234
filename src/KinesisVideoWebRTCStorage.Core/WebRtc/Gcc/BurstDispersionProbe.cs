using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// Measures the link's capacity from how a burst arrived: a bottleneck lets packets sent faster than it carries them
    /// out only at its own rate, so the arrival rate of the burst's tail is the bottleneck's rate (packet-train
    /// dispersion, what libwebrtc's ProbeBitrateEstimator reads from its probe clusters). The bursts are the media's own:
    /// a keyframe leaves the pacer at a multiple of the estimate. One keyframe thus tells, within a round trip, what
    /// the delay trend needs seconds of overuse to find.
    /// </summary>
    /// <remarks>
    /// The head of a burst is skipped, since a token bucket or an idle queue lets it through at line rate; and the
    /// tail's two quarters must agree, since one scheduling stall at the receiver spreads one of them, not both.
    /// </remarks>
    public sealed class BurstDispersionProbe
    {
        /// <summary>Packets of one burst leave within this of the one before (the pacer drains every 5 ms).</summary>
        private const long MaxSendGapMicroseconds = 10_000;

        private const int MaxPackets = 512, MinPackets = 20, MinBytes = 20_000;

        /// <summary>The tail must arrive this much slower than the burst was sent for the link to have spread it.</summary>
        private const double SpreadRatio = 0.8;

        /// <summary>The tail's quarters agree when their rates are within this factor of each other.</summary>
        private const double QuarterAgreement = 1.5;

        private readonly long[] _sends = new long[MaxPackets];
        private readonly long[] _arrivals = new long[MaxPackets];
        private readonly int[] _sizes = new int[MaxPackets];
        private int _count;
        private bool _measured;

        /// <summary>Bursts that measured the link.</summary>
        public long Samples { get; private set; }

        /// <summary>
        /// Takes one feedback message's results in sequence order (before anything sorts them) and returns the capacity
        /// in bits per second when a burst that ended here was spread by the link.
        /// </summary>
        public long? OnFeedback(List<PacketResult> results)
        {
            long? capacity = null;
            foreach (var packet in results)
            {
                if (!packet.Received) continue;
                if (_count > 0)
                {
                    long gap = packet.SendMicroseconds - _sends[_count - 1];
                    if (gap < 0) continue; // reported late, after its burst was measured
                    if (gap > MaxSendGapMicroseconds || _count == MaxPackets)
                    {
                        if (!_measured) capacity = Measure() ?? capacity;
                        _count = 0;
                        _measured = false;
                    }
                }
                _sends[_count] = packet.SendMicroseconds;
                _arrivals[_count] = packet.ArrivalMicroseconds;
                _sizes[_count] = packet.Size;
                _count++;
            }
            // A burst still going on has told enough once its tail so far was spread: a keyframe takes seconds to
            // cross a slow link, and media sent meanwhile waits for the answer.
            if (!_measured && Measure() is long sofar)
            {
                capacity = sofar;
                _measured = true;
            }
            return capacity;
        }

        private long? Measure()
        {
            int n = _count;
            long bytes = 0;
            for (int i = 0; i < n; i++) bytes += _sizes[i];
            if (n < MinPackets || bytes < MinBytes) return null;
            long sendSpan = _sends[n - 1] - _sends[0];
            double sendRate = sendSpan <= 0 ? double.PositiveInfinity : (bytes - _sizes[n - 1]) * 8e6 / sendSpan;
            Array.Sort(_arrivals, _sizes, 0, n); // the order the bottleneck let them out (sends are read only for gaps)
            double? half = Rate(n / 2, n), third = Rate(n / 2, 3 * n / 4), fourth = Rate(3 * n / 4, n);
            if (half is not double tail || third is not double q3 || fourth is not double q4) return null;
            if (q3 > SpreadRatio * sendRate || q4 > SpreadRatio * sendRate) return null;
            if (Math.Max(q3, q4) > QuarterAgreement * Math.Min(q3, q4)) return null;
            Samples++;
            return (long)tail;
        }

        /// <summary>The arrival rate over packets [from, to): the bytes after the first over the time they took.</summary>
        private double? Rate(int from, int to)
        {
            if (to - from < 5) return null;
            long span = _arrivals[to - 1] - _arrivals[from];
            if (span < 1000) return null; // under a millisecond says nothing a receiver's clock can be trusted with
            long bytes = 0;
            for (int i = from + 1; i < to; i++) bytes += _sizes[i];
            return bytes * 8e6 / span;
        }
    }
}
