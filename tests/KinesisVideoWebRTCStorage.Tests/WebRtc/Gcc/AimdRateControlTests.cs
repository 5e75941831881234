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
            Assert.True(rate.OnCapacityMeasured(1_500_000, 0));
            Assert.Equal(1_275_000, rate.Bitrate);
            Assert.Equal(1, rate.Decreases);
            Assert.False(rate.OnCapacityMeasured(2_000_000, 100)); // above the estimate: nothing to lower
            Assert.Equal(1_275_000, rate.Bitrate);
        }

        [Fact]
        public void AnOveruseBacksOffFromTheMeasuredCapacityWhenTheThroughputUnderReadsIt()
        {
            // Thinned media: the throughput window holds a GOP's silent tail and reads 1.0 Mbit/s on a 1.5 Mbit/s link.
            var rate = new AimdRateControl(3_000_000, 100_000, 50_000_000);
            rate.OnCapacityMeasured(1_500_000, 0);
            Assert.Equal(1_275_000, rate.Update(BandwidthUsage.Overusing, 1_000_000, Rtt, 1000));
            // Long after the measurement, the throughput is all there is.
            Assert.Equal(850_000, rate.Update(BandwidthUsage.Overusing, 1_000_000, Rtt, 7000));
        }

        [Fact]
        public void AThroughputFarBelowTheMeasuredCapacityMeansTheLinkFell()
        {
            var rate = new AimdRateControl(3_000_000, 100_000, 50_000_000);
            rate.OnCapacityMeasured(3_000_000, 0);
            Assert.Equal(680_000, rate.Update(BandwidthUsage.Overusing, 800_000, Rtt, 1000));
        }
    }
}
