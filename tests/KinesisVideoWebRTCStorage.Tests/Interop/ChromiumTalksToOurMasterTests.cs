using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Tests.Media;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Two-way audio against real libwebrtc: Chromium offers what a storage session with viewers offers a master (video
    /// to receive, audio both ways), our answerer streams the test pattern and hears Chromium's microphone, and what it
    /// heard, saved as a master saves it, holds the microphone's tone.
    /// </summary>
    [Collection(InteropCollection.Name)]
    [Trait("Category", "Interop")]
    public sealed class ChromiumTalksToOurMasterTests
    {
        private readonly SharedChromiumBrowser browser;
        private readonly ITestOutputHelper output;

        public ChromiumTalksToOurMasterTests(SharedChromiumBrowser browser, ITestOutputHelper output)
        {
            this.browser = browser;
            this.output = output;
        }

        [Theory]
        [InlineData(".ogg")]
        [InlineData(".mka")]
        public async Task OurMasterAnswersTwoWayAudioAndSavesWhatChromiumSays(string extension)
        {
            await using var chromium = await browser.OpenPeerAsync();
            var configuration = new RtcConfiguration { LoopbackOnly = true, IncludeIPv6 = false };
            using var ours = await SendingAnswerer.ConnectAsync(chromium, configuration, chromium.CreateTwoWayAudioOfferAsync);
            var answer = SdpSessionDescription.Parse(ours.Answer!);
            Assert.Equal(SdpDirection.SendRecv, answer.Media.Find(m => m.Media == "audio")!.Direction);
            Assert.Equal(SdpDirection.SendOnly, answer.Media.Find(m => m.Media == "video")!.Direction);

            string path = Path.Combine(MediaTools.Files.Directory, "heard-from-chromium" + extension);
            var clock = Stopwatch.StartNew();
            using (var heard = ReceivedAudioRecorder.Create(path, () => clock.Elapsed))
            {
                ours.Heard!.FrameReceived += (_, packet, timestamp, _) => heard.Write(ours.Connection, packet, timestamp);
                var sent = await PacedTestPattern.SendAsync(ours.Video, ours.Audio, PacedTestPattern.DecodingTestDuration);
                var chromiumHeard = await StatsPolling.UntilSettledAsync(chromium.GetInboundStatsAsync, s => s.AudioTotalSamplesReceived,
                    s => s.AudioTotalSamplesReceived > 0 && s.VideoFramesDecoded > 0, InteropTimeouts.DecodingSettled, InteropTimeouts.Media);
                output.WriteLine($"sent {sent}; Chromium {chromiumHeard}; heard {ours.Heard.FramesReceived} Opus packets, saved {heard.PacketsWritten} ({heard.Duration.TotalSeconds:0.0} s), dropped {heard.PacketsDropped}");
                Assert.True(chromiumHeard.AudioTotalSamplesReceived > 0, "Chromium decoded none of our audio");
                // 20 ms packets for the 5 s we streamed, less what arrives before its track is wired.
                Assert.True(heard.PacketsWritten >= 200, $"heard only {heard.PacketsWritten} packets");
                Assert.Equal(0, heard.PacketsDropped);
            }

            Assert.Equal("", MediaTools.DecodeErrors(path));
            double tone = MediaTools.ToneLevelDb(path, ChromiumBrowser.MicrophoneToneHz);
            double octaveBelow = MediaTools.ToneLevelDb(path, ChromiumBrowser.MicrophoneToneHz / 2);
            output.WriteLine($"{ChromiumBrowser.MicrophoneToneHz} Hz at {tone:0.0} dBFS, {ChromiumBrowser.MicrophoneToneHz / 2} Hz at {octaveBelow:0.0} dBFS");
            Assert.True(tone > -40, $"the microphone's tone is not in what was heard: {tone:0.0} dBFS");
            Assert.True(tone > octaveBelow + 20, $"what was heard is not the microphone's tone: {tone:0.0} against {octaveBelow:0.0} dBFS an octave below");
        }
    }
}
