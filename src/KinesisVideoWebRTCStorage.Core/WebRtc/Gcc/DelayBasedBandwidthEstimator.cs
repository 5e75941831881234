using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// The delay-based half of Google congestion control, fed by transport-wide feedback: packet results are grouped
    /// by send burst, the trend of their one-way delay variation is tested for overuse, and the AIMD controller turns
    /// that into an estimate.
    /// </summary>
    public sealed class DelayBasedBandwidthEstimator
    {
        private readonly SendGroupDeltas _groups = new SendGroupDeltas();
        private readonly TrendlineEstimator _trendline = new TrendlineEstimator();
        private readonly OveruseDetector _detector = new OveruseDetector();
        private readonly AimdRateControl _rate;
        private readonly AcknowledgedBitrate _acknowledged = new AcknowledgedBitrate();
        private readonly BurstDispersionProbe? _probe;
        private readonly Comparison<PacketResult> _byArrival = (a, b) => a.ArrivalMicroseconds.CompareTo(b.ArrivalMicroseconds);

        /// <param name="measureBursts">
        /// Whether a burst's dispersion may measure the link (<see cref="BurstDispersionProbe"/>): only where the send
        /// times are the pacer's, not media timestamps.
        /// </param>
        public DelayBasedBandwidthEstimator(long startBitrate, long minBitrate, long maxBitrate, bool measureBursts = true)
        {
            _rate = new AimdRateControl(startBitrate, minBitrate, maxBitrate);
            if (measureBursts) _probe = new BurstDispersionProbe();
        }

        /// <summary>Bits per second.</summary>
        public long Estimate => _rate.Bitrate;

        /// <summary>How many times overuse lowered the estimate.</summary>
        public int Decreases => _rate.Decreases;

        /// <summary>The link's capacity as overuse and measured bursts found it, in bits per second; null when unknown.</summary>
        public long? LinkCapacity => _rate.LinkCapacity;

        /// <summary>Bursts the link spread out, each a measurement of its capacity.</summary>
        public long BurstsMeasured => _probe?.Samples ?? 0;

        /// <summary>Takes one feedback message's results in sequence order (the list is then sorted in place by arrival).</summary>
        public long OnFeedback(List<PacketResult> results, TimeSpan roundTripTime, long nowMs)
        {
            var usage = _detector.State;
            if (_probe?.OnFeedback(results) is long capacity) _rate.OnCapacityMeasured(capacity, usage, nowMs);
            results.Sort(_byArrival);
            bool any = false;
            foreach (var packet in results)
            {
                if (!packet.Received) continue;
                any = true;
                _acknowledged.OnPacket(packet);
                if (!_groups.TryAdd(packet, out double sendDelta, out double arrivalDelta, out long arrivalMs)) continue;
                _trendline.Update(sendDelta, arrivalDelta, arrivalMs);
                var detected = _detector.Detect(_trendline.Trend, _trendline.Deltas, sendDelta, arrivalMs);
                if (detected == BandwidthUsage.Overusing) usage = detected; // one overuse in the batch is enough to act on
                else if (usage != BandwidthUsage.Overusing) usage = detected;
            }
            return any ? _rate.Update(usage, _acknowledged.Bitrate, roundTripTime, nowMs) : _rate.Bitrate;
        }
    }
}
