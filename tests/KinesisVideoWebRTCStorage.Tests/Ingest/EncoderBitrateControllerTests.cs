using System;
using System.Linq;
using KinesisVideoWebRTCStorage.Ingest;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    public class EncoderBitrateControllerTests
    {
        private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

        [Fact]
        public void UnconstrainedTheEncoderRunsAtTheCeiling()
        {
            var controller = new EncoderBitrateController(2_500_000, S(0));
            Assert.Null(controller.Decide(null, S(5)));
            Assert.Equal(2_500_000, controller.Current);
        }

        [Fact]
        public void ItStepsDownBelowTheEstimateAtOnceAndUpGraduallyNeverPastTheCeiling()
        {
            var controller = new EncoderBitrateController(2_500_000, S(0));
            long down = controller.Decide(1_500_000, S(1)) ?? 0;
            Assert.InRange(down, 1_000_000, 1_300_000); // room left for audio, headers and resends
            Assert.Null(controller.Decide(1_400_000, S(1.5))); // too soon, and within the hysteresis
            Assert.Null(controller.Decide(5_000_000, S(2.5))); // up waits two steady seconds
            long up = controller.Decide(5_000_000, S(3.5)) ?? 0;
            Assert.Equal((long)(down * 1.5), up); // by at most half again
            Assert.Equal(2_500_000, controller.Decide(5_000_000, S(6)));
            Assert.Equal(new[] { 2_500_000L, down, up, 2_500_000 }, controller.Changes.Select(c => c.Bitrate));
            Assert.Equal(3.5, controller.Changes[2].At);
        }

        [Fact]
        public void ALinkFoundShortAtTheStartIsFollowedAtOnce()
        {
            var controller = new EncoderBitrateController(2_500_000, S(0));
            Assert.InRange(controller.Decide(1_500_000, S(0.3)) ?? 0, 1_000_000, 1_300_000);
            Assert.Null(controller.Decide(800_000, S(0.6))); // but not twice within a second
        }

        [Fact]
        public void ItNeverAsksForLessThanTheFloor()
        {
            var controller = new EncoderBitrateController(2_500_000, S(0));
            Assert.Equal(EncoderBitrateController.Floor, controller.Decide(50_000, S(2)));
        }
    }
}
