using System;
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
    /// Chromium as the channel's master, speaking the KVS signaling protocol from a page, joins the emulator's storage
    /// session: the emulator's recording must hold both streams and decode cleanly.
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
            output.WriteLine("master received: " + string.Join(", ", await chromium.KvsMasterLogAsync()));
            await chromium.StopKvsMasterAsync();

            var session = Assert.Single(await harness.EndedSessionsAsync());
            output.WriteLine($"ended: {session.EndReason}; log:\n{harness.LogText}");
            Assert.True(session.Recorded, "nothing was recorded: " + session.EndReason);
            Assert.Equal("SDP_OFFER", (await chromium.KvsMasterLogAsync()).First(m => m.StartsWith("SDP_OFFER")));
            var streams = MediaTools.Ffprobe($"-show_entries stream=codec_name -of csv=p=0 \"{session.RecordingPath}\"")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
            Assert.Equal(new[] { "h264", "opus" }, streams);
            var recording = RecordingProbe.Of(session.RecordingPath);
            Assert.True(recording.Video.Count >= 30, $"{recording.Video.Count} video frames");
            Assert.True(recording.Audio.Count >= 100, $"{recording.Audio.Count} audio packets");
            Assert.True(recording.Video[0].Key);
            Assert.Equal("", recording.DecodeErrors);
        }
    }
}
