using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Emulator;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Tests.Ingest;
using KinesisVideoWebRTCStorage.Tests.Media;
using KinesisVideoWebRTCStorage.Viewer;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Viewer
{
    /// <summary>
    /// Multi-way audio through the emulator's storage session, judged by decoding: the master streams the test pattern
    /// (a 440 Hz tone) and a viewer speaks the built-in 880 Hz tone.
    /// </summary>
    public sealed class ViewerSessionTests
    {
        private readonly ITestOutputHelper output;

        public ViewerSessionTests(ITestOutputHelper output) => this.output = output;

        private static ViewerOptions Options(string channelArn, string clientId, Action<ViewerOptions>? configure = null)
        {
            var options = new ViewerOptions(ChannelReference.FromArn(channelArn), clientId)
            {
                LoopbackOnly = true,
                OfferTimeout = TimeSpan.FromSeconds(2),
            };
            configure?.Invoke(options);
            return options;
        }

        private static async Task UntilAsync(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
                await Task.Delay(50);
            }
        }

        [Fact]
        public async Task AViewerSeesTheMasterAndBothAreHeardAndRecorded()
        {
            await using var harness = await IngestHarness.StartAsync("door");
            string heardByMaster = Path.Combine(MediaTools.Files.Directory, "door-master-heard.ogg");
            string viewerRecording = Path.Combine(MediaTools.Files.Directory, "door-viewer.mkv");
            var master = harness.RunAsync(harness.Options(TimeSpan.FromSeconds(14), o => o.ReceivedAudioPath = heardByMaster));
            await UntilAsync(() => harness.Emulator.Server.Storage.Active(harness.ChannelArn)?.State == StorageSessionState.Streaming, "the master never streamed");

            var viewed = await ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "visitor-1", o =>
            {
                o.OutFile = viewerRecording;
                o.Tone = true;
                o.Duration = TimeSpan.FromSeconds(8);
                o.Trace = line => output.WriteLine("viewer " + line);
            }));
            var ingested = await master;
            var stored = (await harness.EndedSessionsAsync()).Single();
            output.WriteLine($"viewer: {viewed}; master: {ingested}; heard {ingested.AudioFramesReceived}\n{harness.LogText}");

            Assert.Equal(ViewerEndReason.DurationReached, viewed.EndReason);
            // 8 s of 30 fps, less the wait for the first keyframe.
            Assert.True(viewed.VideoFramesReceived >= 0.8 * 8 * 30, $"the viewer received {viewed.VideoFramesReceived} video frames");
            Assert.True(viewed.AudioFramesSent >= 300, $"the viewer sent {viewed.AudioFramesSent} audio frames");
            var viewerProbe = RecordingProbe.Of(viewerRecording);
            Assert.True(viewerProbe.Video.Count >= 0.8 * 8 * 30, $"{viewerProbe.Video.Count} video frames in the viewer's recording");
            Assert.NotEmpty(viewerProbe.Audio);
            Assert.Equal("", viewerProbe.DecodeErrors);
            // The viewer hears the master and not itself; the master hears the viewer and not itself.
            Assert.True(MediaTools.ToneLevelDb(viewerRecording, 440) > MediaTools.ToneLevelDb(viewerRecording, 880) + 20, "the viewer does not hear the master alone");
            Assert.True(ingested.AudioFramesReceived > 300, $"the master heard {ingested.AudioFramesReceived} audio frames");
            Assert.True(MediaTools.ToneLevelDb(heardByMaster, 880) > MediaTools.ToneLevelDb(heardByMaster, 440) + 20, "the master does not hear the viewer alone");
            // The stored stream holds the master's video and both voices.
            Assert.True(stored.VideoFramesRecorded >= 0.95 * ingested.VideoFramesSent, $"{stored.VideoFramesRecorded} of {ingested.VideoFramesSent} recorded");
            Assert.True(MediaTools.ToneLevelDb(stored.RecordingPath, 440) > -40, "the recording misses the master");
            Assert.True(MediaTools.ToneLevelDb(stored.RecordingPath, 880) > -40, "the recording misses the viewer");
            Assert.Equal("", RecordingProbe.Of(stored.RecordingPath).DecodeErrors);
        }

        [Fact]
        public async Task AViewerAloneReceivesNothingUntilTheMasterJoinsAndThenItsVideo()
        {
            await using var harness = await IngestHarness.StartAsync("porch");
            var viewing = ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "early", o => o.Duration = TimeSpan.FromSeconds(12)));
            await UntilAsync(() => harness.Emulator.Server.Storage.Room(harness.ChannelArn).Viewer("early")?.Connected == true, "the viewer never connected");
            await Task.Delay(2000);
            var leg = harness.Emulator.Server.Storage.Room(harness.ChannelArn).Viewer("early")!;
            Assert.Equal(0, leg.VideoFramesForwarded);
            Assert.Equal(0, leg.AudioFramesSent); // no master: viewers hear nothing of each other, and nothing at all here

            var ingested = await harness.RunAsync(harness.Options(TimeSpan.FromSeconds(4)));
            var viewed = await viewing;
            Assert.Equal(ViewerEndReason.DurationReached, viewed.EndReason);
            // The master's keyframe request for the new viewer makes video start within a GOP of the master's.
            Assert.True(viewed.VideoFramesReceived >= 0.7 * ingested.VideoFramesSent, $"{viewed.VideoFramesReceived} of the master's {ingested.VideoFramesSent} frames");
            Assert.True(viewed.AudioFramesReceived > 100, $"{viewed.AudioFramesReceived} audio frames");
            Assert.Empty(viewed.Warnings);
        }

        [Fact]
        public async Task JoiningOverTheViewerLimitIsFinalAndASecondJoinWithTheSameIdReplacesTheFirst()
        {
            await using var harness = await IngestHarness.StartAsync("lobby", o => o.MaxViewers = 1);
            var first = ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "alice"));
            await UntilAsync(() => harness.Emulator.Server.Storage.Room(harness.ChannelArn).Viewer("alice")?.Connected == true, "alice never connected");

            var error = await Assert.ThrowsAsync<ClientLimitExceededException>(() => ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "bob")));
            Assert.Contains("maximum number of viewers (1)", error.Message);

            var again = ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "alice", o => o.Duration = TimeSpan.FromSeconds(1)));
            Assert.Equal(ViewerEndReason.Preempted, (await first.WaitAsync(TimeSpan.FromSeconds(20))).EndReason);
            Assert.Equal(ViewerEndReason.DurationReached, (await again).EndReason);
        }

        [Fact]
        public async Task AnInvalidClientIdIsRefusedBeforeAnyCall()
        {
            await using var harness = await IngestHarness.StartAsync("gate");
            var error = await Assert.ThrowsAsync<ViewerOptionsException>(() => ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "no spaces")));
            Assert.Equal("ClientId", error.ParamName);
            Assert.Equal("InvalidClientId", ErrorClassification.Of(error).ErrorId);
            Assert.Empty(harness.Emulator.Server.ControlPlane.Joins);
        }
    }
}
