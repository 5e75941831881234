using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Gcc
{
    /// <summary>The GCC delay-based estimate against a simulated bottleneck: it finds the link's rate and follows it.</summary>
    public class DelayBasedBandwidthEstimatorTests
    {
        [Fact]
        public void BelowTheLinkNothingIsOverusedAndTheEstimateHolds()
        {
            var estimator = new DelayBasedBandwidthEstimator(3_000_000, 100_000, 50_000_000);
            SimulatedBottleneck.Run(estimator, new SimulatedBottleneck(2_000_000), 10, (_, _) => 1_000_000);
            Assert.Equal(0, estimator.Decreases);
            Assert.InRange(estimator.Estimate, 1_500_000, 3_000_000); // held at the start, at most the 1.5x-acknowledged ceiling
        }

        [Fact]
        public void ASenderAboveTheLinkIsDetectedAndTheEstimateFallsToTheLinkWithinThreeSeconds()
        {
            var estimator = new DelayBasedBandwidthEstimator(3_000_000, 100_000, 50_000_000);
            var trace = SimulatedBottleneck.Run(estimator, new SimulatedBottleneck(1_500_000), 3, (_, _) => 2_500_000);
            Assert.True(estimator.Decreases > 0);
            Assert.InRange(trace.Last().Estimate, 900_000, 1_500_000);
        }

        [Fact]
        public void ASenderFollowingTheEstimateSettlesNearTheLinkAndFollowsItDownAndUp()
        {
            var estimator = new DelayBasedBandwidthEstimator(3_000_000, 100_000, 50_000_000);
            var link = new SimulatedBottleneck(3_000_000);
            var trace = SimulatedBottleneck.Run(estimator, link, 45, (_, estimate) => System.Math.Min(estimate, 2_500_000),
                (seconds, l) => l.Rate = seconds >= 15 && seconds < 30 ? 800_000 : 3_000_000);
            // Within 5 s of the drop the estimate is at or below the new link (with 30 % tolerance), and stays near it.
            Assert.All(trace.Where(t => t.Seconds >= 20 && t.Seconds < 30), t => Assert.InRange(t.Estimate, 400_000, 1_040_000));
            // Within 15 s of the recovery it is back to most of what the sender asks.
            Assert.True(trace.Last().Estimate >= 2_000_000, string.Join(" ", trace.Where(t => t.Seconds > 12).Select(t => $"{t.Seconds:0.0}:{t.Estimate / 1000}")));
        }
    }
}
