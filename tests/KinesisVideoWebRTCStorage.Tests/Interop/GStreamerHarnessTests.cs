using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Sdp;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Proves GStreamerPeer before any test trusts it with our stack: its max-bundle offer (video bundle-only on port 0)
    /// is one our SDP layer answers with H.264 and Opus, and media from Chromium's fake camera decodes in it.
    /// </summary>
    [Collection(InteropCollection.Name)]
    [Trait("Category", "Interop")]
    public sealed class GStreamerHarnessTests
    {
        private readonly SharedChromiumBrowser browser;

        public GStreamerHarnessTests(SharedChromiumBrowser browser) => this.browser = browser;

        [Fact]
        public async Task MaxBundleOfferIsAnsweredWithTheBundleOnlyVideoAccepted()
        {
            await using var gstreamer = await GStreamerPeer.LaunchAsync();
            string offerSdp = await gstreamer.CreateReceiveOfferAsync();
            SdpCapture.Save("gstreamer122-max-bundle-offer.sdp", offerSdp);

            var offer = SdpSessionDescription.Parse(offerSdp);
            Assert.Equal(offerSdp, offer.Serialize());
            Assert.Equal(new[] { "audio", "video" }, offer.Media.Select(m => m.Media));
            var offeredVideo = offer.Media[1];
            Assert.Equal((0, true), (offeredVideo.Port, offeredVideo.BundleOnly));
            Assert.Equal(offer.Media.Select(m => m.Mid), offer.BundleGroups.Single());

            var result = SdpAnswerBuilder.Build(offer, SdpTestData.AnswerOptions());
            var answer = SdpSessionDescription.Parse(result.Description.Serialize());

            Assert.True(result.Video!.Codec.Is("H264", 90000));
            Assert.Equal("1", result.Video.Fmtp!["packetization-mode"]);
            Assert.True(result.Audio!.Codec.Is("opus", 48000));
            // The answerer must not mirror bundle-only: the accepted section gets a real port (RFC 8843 section 7.3.1).
            var answeredVideo = answer.Media[1];
            Assert.Equal((9, false, SdpDirection.SendOnly), (answeredVideo.Port, answeredVideo.BundleOnly, answeredVideo.Direction));
            Assert.Equal(offer.Media.Select(m => m.Mid), answer.BundleGroups.Single());
        }

        [Fact]
        public async Task DisposingEndsTheChildProcess()
        {
            var gstreamer = await GStreamerPeer.LaunchAsync();
            await gstreamer.CreateReceiveOfferAsync();
            using var child = System.Diagnostics.Process.GetProcessById(gstreamer.ProcessId);
            Assert.False(child.HasExited);

            await gstreamer.DisposeAsync();

            Assert.True(child.HasExited);
        }

        [Fact]
        public async Task ChromiumFakeCameraDecodesInTheGStreamerOfferer()
        {
            await using var gstreamer = await GStreamerPeer.LaunchAsync();
            await using var chromium = await browser.OpenPeerAsync();

            string answer = await chromium.AnswerWithFakeCameraAsync(await gstreamer.CreateReceiveOfferAsync());
            await gstreamer.SetRemoteAnswerAsync(answer);
            var toChromium = CandidateRelay.ForwardAsync(gstreamer.LocalCandidates, c => chromium.AddRemoteCandidateAsync(c.Candidate, c.Mid, c.MLineIndex));
            var toGStreamer = CandidateRelay.ForwardAsync(chromium.LocalCandidates, c => gstreamer.AddRemoteCandidateAsync(c.Candidate, c.Mid, c.MLineIndex));

            var stats = await StatsPolling.UntilAsync(gstreamer.GetStatsAsync, s => s.VideoFrames > 0 && s.AudioBuffers > 0, InteropTimeouts.Media);

            Assert.True(stats.VideoFrames > 0, "no video decoded: " + stats);
            Assert.True(stats.AudioBuffers > 0, "no audio decoded: " + stats);
            Assert.True(stats.VideoWidth > 0 && stats.VideoHeight > 0, "no frame size: " + stats);
            Assert.Equal("connected", stats.ConnectionState);
            Assert.Equal(2, stats.Inbound.Count(s => s.PacketsReceived > 0));
            Assert.True(await toChromium.WaitAsync(InteropTimeouts.Signalling) > 0);
            Assert.True(await toGStreamer.WaitAsync(InteropTimeouts.Signalling) > 0);
        }
    }
}
