using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// A running average of the throughput measured each time the link was found overused, with its spread: near it the
    /// rate control probes carefully (additively), far above it the capacity is unknown again and it probes
    /// multiplicatively.
    /// </summary>
    public sealed class LinkCapacityEstimate
    {
        private const double Alpha = 0.05;
        private double _deviation = 0.4;

        /// <summary>The estimate in kbit/s, or null when unknown.</summary>
        public double? EstimateKbps { get; private set; }

        public double UpperBoundKbps => EstimateKbps is double estimate ? estimate + 3 * Math.Sqrt(_deviation * estimate) : double.PositiveInfinity;

        public void OnOveruse(double throughputKbps)
        {
            double estimate = EstimateKbps is double previous ? (1 - Alpha) * previous + Alpha * throughputKbps : throughputKbps;
            double error = estimate - throughputKbps;
            _deviation = Math.Min(Math.Max((1 - Alpha) * _deviation + Alpha * error * error / Math.Max(estimate, 1), 0.4), 2.5);
            EstimateKbps = estimate;
        }

        public void Reset() => EstimateKbps = null;
    }
}
