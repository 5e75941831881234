using System;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Chromium (real libwebrtc) offers to receive, our <see cref="RtcPeerConnection"/> answers and streams the test
    /// pattern in real time, and Chromium's own decoder counts what it could show: the ingest path proven against a
    /// browser, in both DTLS roles and under packet loss that only NACK and retransmission can repair.
    /// </summary>
    [Collection(InteropCollection.Name)]
    [Trait("Category", "Interop")]
    public sealed class ChromiumDecodesOurAnswerTests
    {
        private readonly SharedChromiumBrowser browser;
        private readonly ITestOutputHelper output;

        public ChromiumDecodesOurAnswerTests(SharedChromiumBrowser browser, ITestOutputHelper output)
        {
            this.browser = browser;
            this.output = output;
        }

        private static RtcConfiguration Loopback(SdpSetup answerSetup, double injectedSendLoss = 0, SrtpProtectionProfile? profile = null) => new RtcConfiguration
        {
            LoopbackOnly = true,
            IncludeIPv6 = false,
            AnswerSetup = answerSetup,
            InjectedSendLoss = injectedSendLoss,
            SrtpProfiles = profile is { } only ? new[] { only } : DtlsSrtpContext.DefaultProfiles,
        };

        /// <summary>
        /// Answering active makes us the DTLS 1.2 client; answering passive makes Chromium the client, whose ClientHello
        /// offers DTLS 1.3 with a post-quantum key share large enough to span two datagrams. Each runs once with SRTP
        /// AES-GCM (what both sides prefer) and once with AES-CM and HMAC-SHA1 (all we offer or accept).
        /// </summary>
        [Theory]
        [InlineData(SdpSetup.Active, "Client", SrtpProtectionProfile.AeadAes128Gcm)]
        [InlineData(SdpSetup.Passive, "Server", SrtpProtectionProfile.AeadAes128Gcm)]
        [InlineData(SdpSetup.Active, "Client", SrtpProtectionProfile.Aes128CmHmacSha1_80)]
        [InlineData(SdpSetup.Passive, "Server", SrtpProtectionProfile.Aes128CmHmacSha1_80)]
        public async Task ChromiumDecodesTheTestPatternWeStreamInRealTime(SdpSetup answerSetup, string ourDtlsRole, SrtpProtectionProfile profile)
        {
            await using var chromium = await browser.OpenPeerAsync();
            using var ours = await SendingAnswerer.ConnectAsync(chromium, Loopback(answerSetup, profile: profile));
            Assert.Equal(ourDtlsRole, ours.Connection.GetStats().DtlsRole);
            Assert.Equal(profile.ToString(), ours.Connection.GetStats().SrtpProfile);

            var sent = await PacedTestPattern.SendAsync(ours.Video, ours.Audio, PacedTestPattern.DecodingTestDuration);
            var decoded = await StatsPolling.UntilSettledAsync(chromium.GetInboundStatsAsync, s => s.VideoFramesDecoded,
                s => s.VideoFramesDecoded >= sent.Video && s.AudioTotalSamplesReceived > 0, InteropTimeouts.DecodingSettled, InteropTimeouts.Media);
            var ourStats = ours.Connection.GetStats();
            var video = ourStats.Outbound.Single(s => s.Kind == MediaTrackKind.Video);
            output.WriteLine($"DTLS {ourStats.DtlsRole} {ourStats.SrtpProfile}; sent {sent}; Chromium {decoded}; "
                + $"our video: {video.PacketsSent} packets, {video.NacksReceived} NACKs, {video.RetransmittedPackets} resent, {video.KeyframeRequests} keyframe requests");

            Assert.Equal(PacedTestPattern.VideoFramesInDecodingTest, sent.Video);
            // A frame Chromium received whole but dropped to keep its playout deadline (headless Chromium on a loaded
            // 2-core machine drops 10-25 %) is not a decoding failure. A decoding failure is: Chromium then asks for a
            // keyframe, and it decodes nothing until one comes, so every GOP decoding and no keyframe request prove it.
            Assert.True(decoded.VideoFramesDecoded + decoded.VideoFramesDropped >= 0.9 * sent.Video, $"Chromium decoded {decoded.VideoFramesDecoded} of {sent.Video} frames: {decoded}\n{ours.Trace}");
            Assert.True(decoded.VideoFramesDecoded >= 0.5 * sent.Video, $"Chromium decoded {decoded.VideoFramesDecoded} of {sent.Video} frames: {decoded}\n{ours.Trace}");
            Assert.True(decoded.VideoKeyFramesDecoded >= PacedTestPattern.VideoFramesInDecodingTest / 30 - 1, $"Chromium decoded {decoded.VideoKeyFramesDecoded} keyframes: {decoded}");
            Assert.Equal(0, decoded.VideoPacketsLost);
            Assert.Equal(0, video.KeyframeRequests);
            Assert.True(decoded.AudioTotalSamplesReceived > 0, $"Chromium decoded no audio: {decoded}");
            Assert.StartsWith("video/H264", decoded.VideoCodec);
            Assert.StartsWith("audio/opus", decoded.AudioCodec);
            Assert.Equal((640, 480), (decoded.VideoFrameWidth, decoded.VideoFrameHeight));
            Assert.Equal(0, ourStats.Transport.SrtpAuthenticationFailures); // SRTCP included
        }

        /// <summary>
        /// One in twenty of our media packets (first sends and resends alike) never leaves: Chromium must NACK the gaps,
        /// we must resend from history, and its decoder must still show nearly every frame.
        /// </summary>
        [Fact]
        public async Task ChromiumNacksRecoverFivePercentLossOnOurStream()
        {
            await using var chromium = await browser.OpenPeerAsync();
            using var ours = await SendingAnswerer.ConnectAsync(chromium, Loopback(SdpSetup.Active, injectedSendLoss: 0.05));

            var sent = await PacedTestPattern.SendAsync(ours.Video, ours.Audio, PacedTestPattern.DecodingTestDuration);
            var decoded = await StatsPolling.UntilSettledAsync(chromium.GetInboundStatsAsync, s => s.VideoFramesDecoded,
                s => s.VideoFramesDecoded >= sent.Video && s.AudioTotalSamplesReceived > 0, InteropTimeouts.DecodingSettled, InteropTimeouts.Media);
            var ourStats = ours.Connection.GetStats();
            var video = ourStats.Outbound.Single(s => s.Kind == MediaTrackKind.Video);
            output.WriteLine($"DTLS {ourStats.DtlsRole}; sent {sent}; dropped by the loss hook {ourStats.Transport.InjectedLossDropped}; Chromium {decoded}; "
                + $"our video: {video.PacketsSent} packets, {video.NacksReceived} NACKs, {video.RetransmittedPackets} resent, {video.KeyframeRequests} keyframe requests");

            Assert.Equal(PacedTestPattern.VideoFramesInDecodingTest, sent.Video);
            Assert.True(ourStats.Transport.InjectedLossDropped > 0, "the loss hook dropped nothing");
            Assert.True(video.NacksReceived > 0, $"Chromium sent no NACK: {decoded}");
            Assert.True(video.RetransmittedPackets > 0, $"we resent nothing for {video.NacksReceived} NACKs");
            // Every packet the hook dropped came back through NACK, and Chromium decoded every GOP. Frames it received whole
            // but dropped to keep its playout deadline (many, on a loaded 2-core machine) are delivered, as above.
            Assert.Equal(0, decoded.VideoPacketsLost);
            Assert.True(decoded.VideoFramesDecoded + decoded.VideoFramesDropped >= 0.85 * sent.Video, $"Chromium decoded {decoded.VideoFramesDecoded} of {sent.Video} frames: {decoded}\n{ours.Trace}");
            Assert.True(decoded.VideoKeyFramesDecoded >= PacedTestPattern.VideoFramesInDecodingTest / 30 - 1, $"Chromium decoded {decoded.VideoKeyFramesDecoded} keyframes: {decoded}");
            Assert.True(decoded.AudioTotalSamplesReceived > 0, $"Chromium decoded no audio: {decoded}");
        }
    }
}
