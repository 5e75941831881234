using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// The loss-based half of Google congestion control (draft-ietf-rmcat-gcc-02 section 6), fed by reception reports:
    /// above 10 % loss the estimate falls to (1 - loss / 2) of the sender's estimate; below 2 % it grows by 8 % a report,
    /// and once it is well above the send rate it no longer limits; in between it holds.
    /// </summary>
    /// <remarks>
    /// Our receivers count a retransmitted packet as received, so loss that NACKs repair in time does not lower the
    /// estimate; loss the link keeps causing does.
    /// </remarks>
    public sealed class LossBasedBandwidthEstimator
    {
        private const double DecreaseAbove = 0.10, IncreaseBelow = 0.02, IncreaseFactor = 1.08;

        /// <summary>The estimate in bits per second; null while nothing says the link is short of the send rate.</summary>
        public long? Estimate { get; private set; }

        /// <summary>The lowest estimate so far, for the result's honest figures.</summary>
        public long? Minimum { get; private set; }

        /// <summary>
        /// Decreases this close together answer the same loss (reports can come every 100 ms, and the queue that caused
        /// it takes a while to drain): GCC allows one per 300 ms plus an RTT.
        /// </summary>
        public static readonly TimeSpan MinDecreaseInterval = TimeSpan.FromSeconds(1);

        private TimeSpan? _lastDecrease;

        /// <param name="fractionLost">The report's fraction lost, in 256ths.</param>
        /// <param name="sendBitrate">What was sent over the report's interval, in bits per second.</param>
        /// <param name="now">A monotonic time, to space decreases; null spaces nothing.</param>
        /// <param name="currentTarget">The sender's estimate as the other parts make it, which a first decrease starts from; the send rate when null.</param>
        public void OnReport(byte fractionLost, long sendBitrate, TimeSpan? now = null, long? currentTarget = null)
        {
            double loss = fractionLost / 256.0;
            if (loss > DecreaseAbove && sendBitrate > 0)
            {
                if (now is TimeSpan time && _lastDecrease is TimeSpan last && time - last < MinDecreaseInterval) return;
                _lastDecrease = now;
                // From the estimate, as libwebrtc decreases its current target: the send rate of pre-encoded media
                // thinned to the estimate, or of a second whose GOP was dropped whole, would spiral it down.
                Estimate = (long)((Estimate ?? currentTarget ?? sendBitrate) * (1 - loss / 2));
                Minimum = Math.Min(Minimum ?? long.MaxValue, Estimate.Value);
            }
            else if (loss < IncreaseBelow && Estimate is long estimate)
            {
                estimate = (long)(estimate * IncreaseFactor);
                Estimate = estimate > 2 * Math.Max(sendBitrate, 1) ? null : estimate;
            }
        }
    }
}
