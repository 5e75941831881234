using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Gcc
{
    public class OveruseDetectorTests
    {
        [Fact]
        public void ARisingTrendHeldPastTenMillisecondsIsOveruseAndAFallingOneUnderuse()
        {
            var detector = new OveruseDetector();
            Assert.Equal(BandwidthUsage.Normal, detector.Detect(0.01, 30, 5, 0));
            var state = BandwidthUsage.Normal;
            for (int i = 1; i < 6; i++) state = detector.Detect(0.2 + i * 0.01, 30, 5, i * 5); // 4 x 30 x 0.2 = 24 ms > 12.5
            Assert.Equal(BandwidthUsage.Overusing, state);
            Assert.Equal(BandwidthUsage.Underusing, detector.Detect(-0.3, 30, 5, 40));
        }

        [Fact]
        public void TheThresholdAdaptsTowardsTheTrendWithinItsBounds()
        {
            var detector = new OveruseDetector();
            for (int i = 0; i < 2000; i++) detector.Detect(0.001, 60, 5, i * 5);
            Assert.Equal(6, detector.Threshold, 3); // a quiet link pulls it down to the floor
        }
    }
}
