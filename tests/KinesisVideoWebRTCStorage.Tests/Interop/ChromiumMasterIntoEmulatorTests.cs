using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.Tests.Ingest;
using KinesisVideoWebRTCStorage.Tests.Media;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Chromium, speaking the KVS signaling protocol from a page, in the emulator's storage session: as the channel's
    /// master, whose recording must hold both streams and decode cleanly; and as a viewer of our master, which must
    /// decode our video while our master hears its fake microphone.
    /// </summary>
    [Collection(InteropCollection.Name)]
    [Trait("Category", "Interop")]
    public sealed class ChromiumMasterIntoEmulatorTests
    {
        private readonly SharedChromiumBrowser browser;
        private readonly ITestOutputHelper output;

        public ChromiumMasterIntoEmulatorTests(SharedChromiumBrowser browser, ITestOutputHelper output)
        {
            this.browser = browser;
            this.output = output;
        }

        [Fact]
        public async Task ChromiumAsMasterIsRecordedWithBothStreams()
        {
            await using var harness = await IngestHarness.StartAsync("chromium-cam");
            await using var chromium = await browser.OpenPeerAsync();
            var emulator = harness.Emulator;
            await chromium.ConnectAsKvsMasterAsync(SignalingUrl.ForMaster(emulator.Server.WebSocketUrl, harness.ChannelArn, emulator.Credentials, emulator.Server.Options.Region));
            await emulator.Connect().Storage(emulator.Server.EndpointUrl).JoinStorageSessionAsync(harness.ChannelArn);

            // About three seconds of media once connected, then the master stops.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline && !(emulator.Server.Storage.Active(harness.ChannelArn) is { } s && s.DurationRecorded >= TimeSpan.FromSeconds(3)))
                await Task.Delay(100);
            output.WriteLine("master received: " + string.Join(", ", await chromium.KvsLogAsync()));
            await chromium.StopKvsAsync();

            var session = Assert.Single(await harness.EndedSessionsAsync());
            output.WriteLine($"ended: {session.EndReason}; log:\n{harness.LogText}");
            Assert.True(session.Recorded, "nothing was recorded: " + session.EndReason);
            Assert.Equal("SDP_OFFER", (await chromium.KvsLogAsync()).First(m => m.StartsWith("SDP_OFFER")));
            var streams = MediaTools.Ffprobe($"-show_entries stream=codec_name -of csv=p=0 \"{session.RecordingPath}\"")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
            Assert.Equal(new[] { "h264", "opus" }, streams);
            var recording = RecordingProbe.Of(session.RecordingPath);
            Assert.True(recording.Video.Count >= 30, $"{recording.Video.Count} video frames");
            Assert.True(recording.Audio.Count >= 100, $"{recording.Audio.Count} audio packets");
            Assert.True(recording.Video[0].Key);
            Assert.Equal("", recording.DecodeErrors);
        }

        [Fact]
        public async Task ChromiumAsAViewerDecodesOurMastersVideoAndOurMasterHearsIt()
        {
            await using var harness = await IngestHarness.StartAsync("chromium-door");
            var emulator = harness.Emulator;
            string heard = Path.Combine(MediaTools.Files.Directory, "chromium-viewer-heard.ogg");
            var master = harness.RunAsync(harness.Options(TimeSpan.FromSeconds(12), o => o.ReceivedAudioPath = heard));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (DateTime.UtcNow < deadline && emulator.Server.Storage.Active(harness.ChannelArn)?.State != KinesisVideoWebRTCStorage.Emulator.StorageSessionState.Streaming)
                await Task.Delay(100);

            await using var chromium = await browser.OpenPeerAsync();
            await chromium.ConnectAsKvsViewerAsync(SignalingUrl.ForViewer(emulator.Server.WebSocketUrl, harness.ChannelArn, "chromium", emulator.Credentials, emulator.Server.Options.Region));
            await emulator.Connect().Storage(emulator.Server.EndpointUrl).JoinStorageSessionAsViewerAsync(harness.ChannelArn, "chromium");
            ChromiumInboundStats stats;
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            do
            {
                await Task.Delay(250);
                stats = await chromium.GetInboundStatsAsync();
            } while (DateTime.UtcNow < deadline && stats.VideoFramesDecoded < 90);
            output.WriteLine($"Chromium as a viewer: {stats}; signaling: {string.Join(", ", await chromium.KvsLogAsync())}");
            var ingested = await master;
            await chromium.StopKvsAsync();
            output.WriteLine($"master: {ingested}\n{harness.LogText}");

            Assert.True(stats.VideoFramesDecoded >= 90, $"Chromium decoded {stats.VideoFramesDecoded} frames of our master's video");
            Assert.StartsWith("video/H264", stats.VideoCodec);
            Assert.Equal((640, 480), (stats.VideoFrameWidth, stats.VideoFrameHeight));
            Assert.True(stats.AudioTotalSamplesReceived > 0, "Chromium heard nothing of our master");
            Assert.True(ingested.AudioFramesReceived > 100, $"our master heard {ingested.AudioFramesReceived} audio frames");
            double tone = MediaTools.ToneLevelDb(heard, ChromiumBrowser.MicrophoneToneHz), own = MediaTools.ToneLevelDb(heard, 440);
            Assert.True(tone > own + 20, $"our master does not hear Chromium's {ChromiumBrowser.MicrophoneToneHz} Hz microphone alone ({tone:0.0} dB against {own:0.0} dB of its own 440 Hz)");
        }
    }
}
