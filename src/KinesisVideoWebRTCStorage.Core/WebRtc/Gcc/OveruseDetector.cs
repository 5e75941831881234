using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// Compares the scaled delay trend with a threshold that adapts to it (draft-ietf-rmcat-gcc-02 §5.4), so that a
    /// link shared with TCP flows is not mistaken for a saturated one: overuse is signalled only when the trend stays
    /// above the threshold for more than 10 ms over at least two groups and is still rising.
    /// </summary>
    public sealed class OveruseDetector
    {
        private const double ThresholdGain = 4, UpGain = 0.0087, DownGain = 0.039, MaxAdaptOffsetMs = 15;
        private const double OverusingTimeThresholdMs = 10;

        private double _timeOverUsingMs = -1, _previousTrend;
        private int _overuseCounter;
        private long _lastThresholdUpdateMs = -1;

        /// <summary>The adaptive threshold on the modified trend, in ms; 12.5 at the start, kept within 6-600.</summary>
        public double Threshold { get; private set; } = 12.5;

        public BandwidthUsage State { get; private set; } = BandwidthUsage.Normal;

        public BandwidthUsage Detect(double trend, int deltas, double sendDeltaMs, long nowMs)
        {
            if (deltas < 2) return State = BandwidthUsage.Normal;
            double modified = Math.Min(deltas, 60) * trend * ThresholdGain;
            if (modified > Threshold)
            {
                _timeOverUsingMs = _timeOverUsingMs < 0 ? sendDeltaMs / 2 : _timeOverUsingMs + sendDeltaMs;
                _overuseCounter++;
                if (_timeOverUsingMs > OverusingTimeThresholdMs && _overuseCounter > 1 && trend >= _previousTrend)
                {
                    _timeOverUsingMs = 0;
                    _overuseCounter = 0;
                    State = BandwidthUsage.Overusing;
                }
            }
            else
            {
                _timeOverUsingMs = -1;
                _overuseCounter = 0;
                State = modified < -Threshold ? BandwidthUsage.Underusing : BandwidthUsage.Normal;
            }
            _previousTrend = trend;
            UpdateThreshold(modified, nowMs);
            return State;
        }

        private void UpdateThreshold(double modified, long nowMs)
        {
            if (_lastThresholdUpdateMs < 0) _lastThresholdUpdateMs = nowMs;
            double magnitude = Math.Abs(modified);
            if (magnitude > Threshold + MaxAdaptOffsetMs)
            {
                // A spike (a delay jump of a route change, say) should not drag the threshold along.
                _lastThresholdUpdateMs = nowMs;
                return;
            }
            double gain = magnitude < Threshold ? DownGain : UpGain;
            long elapsed = Math.Min(Math.Max(nowMs - _lastThresholdUpdateMs, 0), 100);
            Threshold = Math.Min(Math.Max(Threshold + gain * (magnitude - Threshold) * elapsed, 6), 600);
            _lastThresholdUpdateMs = nowMs;
        }
    }
}
