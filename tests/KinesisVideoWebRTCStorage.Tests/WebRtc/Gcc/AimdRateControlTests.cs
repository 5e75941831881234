using System;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Gcc
{
    public class AimdRateControlTests
    {
        private static readonly TimeSpan Rtt = TimeSpan.FromMilliseconds(50);

        [Fact]
        public void AMeasuredBurstLowersTheEstimateAsAnOveruseWould()
        {
            var rate = new AimdRateControl(3_000_000, 100_000, 50_000_000);
            Assert.True(rate.OnCapacityMeasured(1_500_000, BandwidthUsage.Normal, 0));
            Assert.Equal(1_275_000, rate.Bitrate);
            Assert.Equal(1, rate.Decreases);
            Assert.False(rate.OnCapacityMeasured(1_400_000, BandwidthUsage.Normal, 100)); // above the estimate: nothing to lower
            Assert.Equal(1_275_000, rate.Bitrate); // and 0.85 of it is below: nothing to raise either
        }

        [Fact]
        public void AMeasuredBurstRaisesAnEstimateFarBelowItUnlessTheDelaySaysOveruse()
        {
            // A deep back-off left the estimate at 0.6 of a 1.5 Mbit/s link, and thinned media cannot prove more.
            var rate = new AimdRateControl(900_000, 100_000, 50_000_000);
            Assert.False(rate.OnCapacityMeasured(1_500_000, BandwidthUsage.Overusing, 0));
            Assert.Equal(900_000, rate.Bitrate);
            Assert.False(rate.OnCapacityMeasured(1_500_000, BandwidthUsage.Normal, 100));
            Assert.Equal(1_275_000, rate.Bitrate);
            Assert.Equal(0, rate.Decreases);
        }

        [Fact]
        public void ARaiseStopsAtTheKnownCapacitysUpperBound()
        {
            var rate = new AimdRateControl(3_000_000, 100_000, 50_000_000);
            rate.OnCapacityMeasured(1_500_000, BandwidthUsage.Normal, 0); // known: 1500 kbit/s, the estimate 1275
            rate.Update(BandwidthUsage.Overusing, 800_000, Rtt, 100); // a deep back-off from the throughput: 680
            Assert.Equal(680_000, rate.Bitrate);
            rate.OnCapacityMeasured(2_900_000, BandwidthUsage.Normal, 200); // a burst read far too high
            // 0.85 of the known capacity's upper bound (1465 kbit/s and three deviations), not of 2900.
            Assert.InRange(rate.Bitrate, 1_275_000, 1_450_000);
        }

        [Fact]
        public void AnOveruseBacksOffFromTheMeasuredCapacityWhenTheThroughputUnderReadsIt()
        {
            // Thinned media: the throughput window holds a GOP's silent tail and reads 1.0 Mbit/s on a 1.5 Mbit/s link.
            var rate = new AimdRateControl(3_000_000, 100_000, 50_000_000);
            rate.OnCapacityMeasured(1_500_000, BandwidthUsage.Normal, 0);
            Assert.Equal(1_275_000, rate.Update(BandwidthUsage.Overusing, 1_000_000, Rtt, 1000));
            // Long after the measurement, the throughput is all there is.
            Assert.Equal(850_000, rate.Update(BandwidthUsage.Overusing, 1_000_000, Rtt, 7000));
        }

        [Fact]
        public void AThroughputFarBelowTheMeasuredCapacityMeansTheLinkFell()
        {
            var rate = new AimdRateControl(3_000_000, 100_000, 50_000_000);
            rate.OnCapacityMeasured(3_000_000, BandwidthUsage.Normal, 0);
            Assert.Equal(680_000, rate.Update(BandwidthUsage.Overusing, 800_000, Rtt, 1000));
        }
    }
}
