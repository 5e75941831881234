using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Sdp;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Proves ChromiumPeer before any test trusts it with our stack: its receive offer is one our SDP layer answers with
    /// H.264 and Opus, and a call between two Chromium pages through the harness decodes real video and audio.
    /// </summary>
    [Collection(InteropCollection.Name)]
    [Trait("Category", "Interop")]
    public sealed class ChromiumHarnessTests : IClassFixture<ChromiumPairFixture>
    {
        private readonly ChromiumPairFixture peers;

        public ChromiumHarnessTests(ChromiumPairFixture peers) => this.peers = peers;

        [Fact]
        public void ReceiveOfferIsAnsweredWithH264PacketizationMode1AndOpus()
        {
            var offer = SdpSessionDescription.Parse(peers.ReceiveOffer);
            Assert.Equal(new[] { "video", "audio" }, offer.Media.Select(m => m.Media));
            Assert.All(offer.Media, m => Assert.Equal(SdpDirection.RecvOnly, m.Direction));
            Assert.Equal(peers.ReceiveOffer, offer.Serialize());

            var result = SdpAnswerBuilder.Build(offer, SdpTestData.AnswerOptions());
            var answer = SdpSessionDescription.Parse(result.Description.Serialize());

            Assert.True(result.Video!.Codec.Is("H264", 90000));
            Assert.Equal("1", result.Video.Fmtp!["packetization-mode"]);
            Assert.Equal(0x42, H264ProfileLevelIdByte(result.Video.Fmtp["profile-level-id"]));
            Assert.True(result.Audio!.Codec.Is("opus", 48000));
            Assert.Equal(offer.Media.Select(m => m.Mid), answer.BundleGroups.Single());
            Assert.All(answer.Media, m => Assert.Equal((9, SdpDirection.SendOnly), (m.Port, m.Direction)));
        }

        [Fact]
        public async Task FakeCameraCallThroughTheHarnessDecodesVideoAndAudio()
        {
            string answerSdp = await peers.Sender.AnswerWithFakeCameraAsync(peers.ReceiveOffer);
            SdpCapture.Save("chromium156-fake-camera-answer.sdp", answerSdp);
            var answer = SdpSessionDescription.Parse(answerSdp);
            // setCodecPreferences left only H.264 packetization-mode=1 (and its rtx) of Chromium's VP8-first offer.
            var video = answer.Media.Single(m => m.Media == "video");
            Assert.Equal(SdpDirection.SendOnly, video.Direction);
            Assert.All(video.RtpMaps, m => Assert.True(m.Is("H264", 90000) || m.Is("rtx", 90000), "answer kept " + m));
            Assert.All(video.RtpMaps.Where(m => m.Is("H264", 90000)), m => Assert.Equal("1", video.FmtpFor(m.PayloadType)!["packetization-mode"]));

            await peers.Receiver.SetRemoteAnswerAsync(answerSdp);
            var toSender = CandidateRelay.ForwardAsync(peers.Receiver.LocalCandidates,
                c => peers.Sender.AddRemoteCandidateAsync(c.Candidate, c.Mid, c.MLineIndex));
            var toReceiver = CandidateRelay.ForwardAsync(peers.Sender.LocalCandidates,
                c => peers.Receiver.AddRemoteCandidateAsync(c.Candidate, c.Mid, c.MLineIndex));

            var stats = await StatsPolling.UntilAsync(peers.Receiver.GetInboundStatsAsync,
                s => s.VideoFramesDecoded > 0 && s.AudioTotalSamplesReceived > 0, InteropTimeouts.Media);

            Assert.True(stats.VideoFramesDecoded > 0, "no video decoded: " + stats);
            Assert.True(stats.AudioTotalSamplesReceived > 0, "no audio decoded: " + stats);
            Assert.StartsWith("video/H264", stats.VideoCodec);
            Assert.StartsWith("audio/opus", stats.AudioCodec);
            Assert.True(stats.VideoFrameWidth > 0 && stats.VideoFrameHeight > 0, "no frame size: " + stats);
            Assert.Equal("connected", await peers.Receiver.ConnectionStateAsync());
            // Both sides offered at least one loopback candidate, or the call could not have connected.
            Assert.True(await toSender.WaitAsync(InteropTimeouts.Signalling) > 0);
            Assert.True(await toReceiver.WaitAsync(InteropTimeouts.Signalling) > 0);
        }

        private static int H264ProfileLevelIdByte(string? profileLevelId) => System.Convert.ToInt32(profileLevelId!.Substring(0, 2), 16);
    }
}
