using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Tests.Media;
using KinesisVideoWebRTCStorage.WebRtc;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// The storage direction: our <see cref="RtcPeerConnection"/> offers to receive, Chromium answers by sending H.264
    /// and Opus from its fake camera and microphone (real libwebrtc packetization: STAP-A, FU-A, header extensions,
    /// padding), and ffmpeg, not our code, judges the access units our receiver rebuilt.
    /// </summary>
    [Collection(InteropCollection.Name)]
    [Trait("Category", "Interop")]
    public sealed class ChromiumStreamsToOurOffererTests
    {
        private static readonly TimeSpan Recording = TimeSpan.FromSeconds(3);

        private readonly SharedChromiumBrowser browser;
        private readonly ITestOutputHelper output;

        public ChromiumStreamsToOurOffererTests(SharedChromiumBrowser browser, ITestOutputHelper output)
        {
            this.browser = browser;
            this.output = output;
        }

        [Fact]
        public async Task TheH264WeRebuildFromChromiumDecodesCleanlyInFfmpegAndOpusArrives()
        {
            string directory = Directory.CreateTempSubdirectory("kvs-chromium-recording-").FullName;
            try
            {
                string videoPath = Path.Combine(directory, "chromium.h264");
                await using var chromium = await browser.OpenPeerAsync();
                RtcStatsReport stats;
                RecordingOfferer recorded;
                using (var ours = await RecordingOfferer.ConnectAsync(chromium, new RtcConfiguration { LoopbackOnly = true, IncludeIPv6 = false }, videoPath))
                {
                    recorded = ours;
                    await Task.Delay(Recording);
                    stats = ours.Connection.GetStats();
                    output.WriteLine($"Chromium's answer:\n{ours.Answer}");
                }
                // Counted once the file is closed: frames go on arriving until then, and each is in the file.
                var (accessUnits, keyFrames, opusPackets) = (recorded.AccessUnits, recorded.KeyFrames, recorded.OpusPackets);
                var video = stats.Inbound.Single(s => s.Kind == MediaTrackKind.Video);
                var audio = stats.Inbound.Single(s => s.Kind == MediaTrackKind.Audio);

                string decodeErrors = MediaTools.DecodeErrors(videoPath);
                int framesDecoded = int.Parse(MediaTools.Ffprobe($"-count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 \"{videoPath}\"").Trim().TrimEnd(','));
                string size = MediaTools.Ffprobe($"-select_streams v:0 -show_entries stream=width,height -of csv=p=0 \"{videoPath}\"").Trim();
                output.WriteLine($"DTLS {stats.DtlsRole} {stats.SrtpProfile}; we rebuilt {accessUnits} access units ({keyFrames} key) into {new FileInfo(videoPath).Length} bytes, "
                    + $"ffmpeg decoded {framesDecoded} frames of {size}; video {video.PacketsReceived} packets, {video.PacketsLost} lost, {video.FramesDropped} frames dropped, "
                    + $"{video.NacksSent} NACKs, {video.PictureLossIndicationsSent} PLIs; audio {audio.PacketsReceived} packets, {opusPackets} Opus packets delivered");

                Assert.Equal("", decodeErrors);
                Assert.True(framesDecoded > 0, "ffmpeg decoded no frame of what we rebuilt");
                Assert.Equal(accessUnits, framesDecoded);
                Assert.True(keyFrames > 0, "no keyframe was rebuilt");
                Assert.True(opusPackets > 0, "no Opus packet arrived");
                Assert.Equal(0, stats.Transport.SrtpAuthenticationFailures);
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
