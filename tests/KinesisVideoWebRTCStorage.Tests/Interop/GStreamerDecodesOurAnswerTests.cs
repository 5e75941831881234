using System;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// GStreamer's webrtcbin (libnice ICE, OpenSSL DTLS, libsrtp) offers to receive under max-bundle, with the video
    /// section bundle-only on port 0; our <see cref="RtcPeerConnection"/> answers and streams the test pattern in real
    /// time, and GStreamer's decoders count what they produced.
    /// </summary>
    [Collection(InteropCollection.Name)]
    [Trait("Category", "Interop")]
    public sealed class GStreamerDecodesOurAnswerTests
    {
        private readonly ITestOutputHelper output;

        public GStreamerDecodesOurAnswerTests(ITestOutputHelper output) => this.output = output;

        /// <summary>Active makes us the DTLS client of GStreamer's OpenSSL server; passive the other way round.</summary>
        [Theory]
        [InlineData(SdpSetup.Active, "Client")]
        [InlineData(SdpSetup.Passive, "Server")]
        public async Task GStreamerDecodesTheTestPatternWeStreamInRealTime(SdpSetup answerSetup, string ourDtlsRole)
        {
            await using var gstreamer = await GStreamerPeer.LaunchAsync();
            using var ours = await SendingAnswerer.ConnectAsync(gstreamer, new RtcConfiguration { LoopbackOnly = true, IncludeIPv6 = false, AnswerSetup = answerSetup });
            Assert.Equal(ourDtlsRole, ours.Connection.GetStats().DtlsRole);
            // The bundle-only video section was accepted with a real port, so GStreamer demultiplexes it from the bundle.
            var answer = SdpSessionDescription.Parse(ours.Answer!);
            Assert.All(answer.Media, m => Assert.Equal((false, SdpDirection.SendOnly), (m.Port == 0, m.Direction)));

            var sent = await PacedTestPattern.SendAsync(ours.Video, ours.Audio, PacedTestPattern.DecodingTestDuration);
            var decoded = await StatsPolling.UntilSettledAsync(gstreamer.GetStatsAsync, s => s.VideoFrames,
                s => s.VideoFrames >= sent.Video && s.AudioBuffers >= sent.Audio, InteropTimeouts.DecodingSettled, InteropTimeouts.Media);
            var ourStats = ours.Connection.GetStats();
            var video = ourStats.Outbound.Single(s => s.Kind == MediaTrackKind.Video);
            output.WriteLine($"DTLS {ourStats.DtlsRole} {ourStats.SrtpProfile}; sent {sent}; GStreamer decoded {decoded.VideoFrames} video frames "
                + $"({decoded.VideoWidth}x{decoded.VideoHeight}) and {decoded.AudioBuffers} audio buffers, {decoded.ConnectionState}, inbound "
                + string.Join(", ", decoded.Inbound) + $"; our video: {video.PacketsSent} packets, {video.NacksReceived} NACKs, {video.RetransmittedPackets} resent");

            Assert.Equal(PacedTestPattern.VideoFramesInDecodingTest, sent.Video);
            Assert.True(decoded.VideoFrames >= 0.9 * sent.Video, $"GStreamer decoded {decoded.VideoFrames} of {sent.Video} frames: {decoded}\n{ours.Trace}");
            Assert.True(decoded.AudioBuffers > 0, $"GStreamer decoded no audio: {decoded}");
            Assert.Equal((640, 480), (decoded.VideoWidth, decoded.VideoHeight));
            Assert.Equal("connected", decoded.ConnectionState);
        }
    }
}
