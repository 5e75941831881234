using System;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Gcc
{
    public class LossBasedBandwidthEstimatorTests
    {
        private static byte Fraction(double loss) => (byte)(loss * 256);

        [Fact]
        public void WithoutLossNothingIsEstimated()
        {
            var estimator = new LossBasedBandwidthEstimator();
            estimator.OnReport(0, 1_000_000);
            estimator.OnReport(Fraction(0.05), 1_000_000); // between 2 and 10 %: hold
            Assert.Null(estimator.Estimate);
        }

        [Fact]
        public void HeavyLossCutsToWhatWasSentLessHalfTheLossThenLightLossGrowsItBack()
        {
            var estimator = new LossBasedBandwidthEstimator();
            estimator.OnReport(Fraction(0.25), 1_000_000);
            Assert.Equal(875_000, estimator.Estimate);
            estimator.OnReport(Fraction(0.25), 1_000_000); // from the estimate, once there is one
            Assert.Equal(765_625, estimator.Estimate);
            Assert.Equal(765_625, estimator.Minimum);
            estimator.OnReport(Fraction(0.05), 700_000);
            Assert.Equal(765_625, estimator.Estimate);
            estimator.OnReport(Fraction(0.01), 700_000);
            Assert.Equal(826_875, estimator.Estimate);
            for (int i = 0; i < 20 && estimator.Estimate != null; i++) estimator.OnReport(0, 700_000);
            Assert.Null(estimator.Estimate); // well above the send rate: no longer a limit
            Assert.Equal(765_625, estimator.Minimum);
        }

        [Fact]
        public void DecreasesAreSpacedAndFollowTheEstimateNotAThinnedSendRate()
        {
            var estimator = new LossBasedBandwidthEstimator();
            estimator.OnReport(Fraction(0.25), 1_000_000, TimeSpan.FromSeconds(10));
            estimator.OnReport(Fraction(0.25), 200_000, TimeSpan.FromSeconds(10.1)); // the same loss, reported again
            Assert.Equal(875_000, estimator.Estimate);
            estimator.OnReport(Fraction(0.25), 200_000, TimeSpan.FromSeconds(11.1)); // media thinned to 200k: no spiral
            Assert.Equal(765_625, estimator.Estimate);
        }

        [Fact]
        public void TheFirstDecreaseStartsFromTheSendersEstimateNotFromAQuietSecond()
        {
            // A second whose GOP the dropper gave up whole sent 250 kbit/s of a 1.2 Mbit/s estimate; its 20 % loss
            // used to take the estimate to 225 kbit/s.
            var estimator = new LossBasedBandwidthEstimator();
            estimator.OnReport(Fraction(0.2), 250_000, TimeSpan.FromSeconds(5), currentTarget: 1_200_000);
            Assert.InRange(estimator.Estimate!.Value, 1_079_000, 1_081_000); // 1.2 Mbit/s less half the loss (51/256)
        }
    }
}
