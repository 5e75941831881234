using KinesisVideoWebRTCStorage.Ingest;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    public class DeliveryWarningsTests
    {
        [Fact]
        public void ACleanRunHasNoWarning()
        {
            var result = new IngestResult { VideoFramesSent = 300, VideoFramesDroppedByCongestion = 15, VideoPacketsSent = 1000, VideoPacketsReportedLost = 50 };
            Assert.Empty(DeliveryWarnings.For(result)); // 5 % of each is the most a run may fall short silently
        }

        [Fact]
        public void FramesDroppedForTheUplinkAreNamedWithTheEstimateAndTheFix()
        {
            var result = new IngestResult { VideoFramesSent = 235, VideoFramesDroppedByCongestion = 65, BandwidthEstimateMinimum = 321_621 };
            var warning = Assert.Single(DeliveryWarnings.For(result));
            Assert.StartsWith("65 of 300 video frames (21.7 %) were not sent because the uplink (estimated at 322 kbit/s at its lowest)", warning);
            Assert.Contains("lower bitrate", warning);
        }

        [Fact]
        public void PacketsTheServiceReportedLostAreNamedWithTheLateRetransmissions()
        {
            var result = new IngestResult { VideoFramesSent = 300, VideoPacketsSent = 971, VideoPacketsReportedLost = 71, RetransmissionsRefusedLate = 228 };
            var warning = Assert.Single(DeliveryWarnings.For(result));
            Assert.StartsWith("The storage service reported 71 of 971 video packets (7.3 %) lost after retransmission (228 were asked for too late to resend)", warning);
        }
    }
}
