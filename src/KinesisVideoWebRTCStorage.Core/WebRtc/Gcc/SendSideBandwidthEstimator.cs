using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// The sender's bandwidth estimate: the lowest of the delay-based estimate from transport-wide feedback, the
    /// loss-based one from reception reports, and the receiver's REMB when it sends one, kept within the configured
    /// bounds. It is what the pacer, the frame dropper and the live encoder follow.
    /// </summary>
    public sealed class SendSideBandwidthEstimator
    {
        private readonly object _gate = new object();
        private readonly DelayBasedBandwidthEstimator _delay;
        private readonly LossBasedBandwidthEstimator _loss = new LossBasedBandwidthEstimator();
        private long? _remb;

        public SendSideBandwidthEstimator(long startBitrate = 3_000_000, long minBitrate = 100_000, long maxBitrate = 50_000_000)
        {
            MinBitrate = minBitrate;
            MaxBitrate = maxBitrate;
            _delay = new DelayBasedBandwidthEstimator(startBitrate, minBitrate, maxBitrate);
        }

        public long MinBitrate { get; }
        public long MaxBitrate { get; }

        /// <summary>The estimate in bits per second.</summary>
        public long Target
        {
            get
            {
                lock (_gate) return TargetLocked;
            }
        }

        private long TargetLocked => Math.Max(MinBitrate, Math.Min(_delay.Estimate, Math.Min(_loss.Estimate ?? long.MaxValue, _remb ?? long.MaxValue)));

        /// <summary>
        /// True once anything found the link short: delay-based overuse, loss above 10 %, or a REMB below the
        /// estimate. Until then the estimate is only a starting point, which pre-encoded media need not obey.
        /// </summary>
        public bool IsConstrained
        {
            get
            {
                lock (_gate) return IsConstrainedLocked;
            }
        }

        private bool IsConstrainedLocked => _delay.Decreases > 0 || _loss.Estimate != null || (_remb is long remb && remb < _delay.Estimate);

        /// <summary>The lowest estimate while constrained, in bits per second; null when the link never fell short.</summary>
        public long? Minimum { get; private set; }

        /// <summary>Transport-wide feedback messages taken.</summary>
        public long TransportFeedbacks { get; private set; }

        public void OnTransportFeedback(List<PacketResult> results, TimeSpan roundTripTime, long nowMs)
        {
            lock (_gate)
            {
                TransportFeedbacks++;
                _delay.OnFeedback(results, roundTripTime, nowMs);
                Observe();
            }
        }

        /// <param name="fractionLost">The report's fraction lost, in 256ths.</param>
        /// <param name="sendBitrate">What was sent over the report's interval, in bits per second.</param>
        /// <param name="now">A monotonic time, which spaces loss-based decreases.</param>
        public void OnReceptionReport(byte fractionLost, long sendBitrate, TimeSpan? now = null)
        {
            lock (_gate)
            {
                _loss.OnReport(fractionLost, sendBitrate, now, TargetLocked);
                Observe();
            }
        }

        public void OnRemb(long bitrate)
        {
            lock (_gate)
            {
                _remb = bitrate;
                Observe();
            }
        }

        /// <summary>The estimate and what it is made of, for traces.</summary>
        public override string ToString()
        {
            lock (_gate)
            {
                static string Kbps(long? bits) => bits is long b ? (b / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
                return $"{Kbps(TargetLocked)} kbit/s (delay {Kbps(_delay.Estimate)}, loss {Kbps(_loss.Estimate)}, REMB {Kbps(_remb)}, capacity {Kbps(_delay.LinkCapacity)}; {_delay.Decreases} decreases, {_delay.BurstsMeasured} bursts measured)";
            }
        }

        private void Observe()
        {
            if (IsConstrainedLocked) Minimum = Math.Min(Minimum ?? long.MaxValue, TargetLocked);
        }
    }
}
