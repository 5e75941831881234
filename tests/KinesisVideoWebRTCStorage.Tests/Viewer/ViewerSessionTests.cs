using System;
using System.Collections.Concurrent;
using System.IO;
using System.Text;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Emulator;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Signaling;
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

        private static Task UntilStreamingAsync(IngestHarness harness) =>
            UntilAsync(() => harness.Emulator.Server.Storage.Active(harness.ChannelArn)?.State == StorageSessionState.Streaming, "the master never streamed");

        [Fact]
        public async Task AViewerSeesTheMasterAndBothAreHeardAndRecorded()
        {
            await using var harness = await IngestHarness.StartAsync("door");
            string heardByMaster = Path.Combine(MediaTools.Files.Directory, "door-master-heard.ogg");
            string viewerRecording = Path.Combine(MediaTools.Files.Directory, "door-viewer.mkv");
            var master = harness.RunAsync(harness.Options(TimeSpan.FromSeconds(14), o => o.ReceivedAudioPath = heardByMaster));
            await UntilStreamingAsync(harness);

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

        [Fact]
        public async Task WithTwoViewersEachHearsTheMasterAndTheOtherButNotItself()
        {
            await using var harness = await IngestHarness.StartAsync("intercom");
            string heardByMaster = Path.Combine(MediaTools.Files.Directory, "intercom-master-heard.ogg");
            string upstairs = Path.Combine(MediaTools.Files.Directory, "intercom-upstairs.mkv");
            string downstairs = Path.Combine(MediaTools.Files.Directory, "intercom-downstairs.mkv");
            var master = harness.RunAsync(harness.Options(TimeSpan.FromSeconds(16), o => o.ReceivedAudioPath = heardByMaster));
            await UntilStreamingAsync(harness);

            // One speaks the built-in 880 Hz tone; the other a 660 Hz sine that ffmpeg generates and transcodes.
            var first = ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "upstairs", o =>
            {
                o.OutFile = upstairs;
                o.Tone = true;
                o.Duration = TimeSpan.FromSeconds(8);
            }));
            var second = ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "downstairs", o =>
            {
                o.OutFile = downstairs;
                o.InputFormat = "lavfi";
                o.InputUri = "sine=frequency=660:sample_rate=48000";
                o.Duration = TimeSpan.FromSeconds(8);
            }));
            var (up, down) = (await first, await second);
            var ingested = await master;
            output.WriteLine($"upstairs: {up}\ndownstairs: {down}\nmaster: {ingested}");

            foreach (var (viewed, recording) in new[] { (up, upstairs), (down, downstairs) })
            {
                Assert.Equal(ViewerEndReason.DurationReached, viewed.EndReason);
                Assert.True(viewed.AudioFramesSent >= 300, $"{viewed.ClientId} sent {viewed.AudioFramesSent} audio frames");
                var probe = RecordingProbe.Of(recording);
                Assert.True(probe.Video.Count >= 0.8 * 8 * 30, $"{probe.Video.Count} video frames in {viewed.ClientId}'s recording");
                Assert.Equal("", probe.DecodeErrors);
            }
            AssertHears(upstairs, new[] { 440, 660 }, 880);
            AssertHears(downstairs, new[] { 440, 880 }, 660);
            AssertHears(heardByMaster, new[] { 880, 660 }, 440);
        }

        /// <summary>Each voice in <paramref name="heard"/> is there, and <paramref name="notHeard"/> is at least 20 dB below every one of them.</summary>
        private void AssertHears(string recording, int[] heard, int notHeard)
        {
            double silent = MediaTools.ToneLevelDb(recording, notHeard);
            foreach (int hertz in heard)
            {
                double level = MediaTools.ToneLevelDb(recording, hertz);
                output.WriteLine($"{Path.GetFileName(recording)}: {hertz} Hz at {level:0.0} dB, {notHeard} Hz at {silent:0.0} dB");
                Assert.True(level > -40, $"{Path.GetFileName(recording)} misses the {hertz} Hz voice ({level:0.0} dB)");
                Assert.True(level > silent + 20, $"{Path.GetFileName(recording)} holds its own {notHeard} Hz voice at {silent:0.0} dB against {level:0.0} dB of {hertz} Hz");
            }
        }

        [Fact]
        public async Task AViewerRidesOutGoAwayAndTheStorageSessionLimitAndSpeaksAMatroskaFile()
        {
            string voice = Path.Combine(MediaTools.Files.Directory, "voice-660.mka");
            MediaTools.Ffmpeg($"-f lavfi -i sine=frequency=660:sample_rate=48000 -t 2 -c:a libopus \"{voice}\"");
            string heardByMaster = Path.Combine(MediaTools.Files.Directory, "limit-master-heard.ogg");
            await using var harness = await IngestHarness.StartAsync("limit", o =>
            {
                o.StorageSessionLimit = TimeSpan.FromSeconds(5);
                o.GoAwayGrace = TimeSpan.FromSeconds(1);
            });
            var master = harness.RunAsync(harness.Options(TimeSpan.FromSeconds(16), o => o.ReceivedAudioPath = heardByMaster));
            await UntilStreamingAsync(harness);
            var viewing = ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "patient", o =>
            {
                o.AudioPath = voice;
                o.Loop = true;
                o.Duration = TimeSpan.FromSeconds(11);
                o.Trace = line => output.WriteLine("viewer " + line);
            }));
            await UntilAsync(() => harness.Emulator.Server.Storage.Room(harness.ChannelArn).Viewer("patient")?.Connected == true, "the viewer never connected");
            await Task.Delay(1500);
            Assert.Equal(2, await harness.Emulator.Server.Hub.InjectAsync(harness.ChannelArn, SignalingMessageType.GO_AWAY));
            var viewed = await viewing;
            var ingested = await master;
            output.WriteLine($"viewer: {viewed}\nmaster: {ingested}");

            Assert.Equal(ViewerEndReason.DurationReached, viewed.EndReason);
            Assert.True(viewed.Reconnects >= 1, $"{viewed.Reconnects} reconnects: the 5 s limit should have ended the first connection");
            Assert.True(viewed.StorageSessions >= 2, $"{viewed.StorageSessions} storage sessions");
            // GO_AWAY costs the viewer nothing; each limit, the master's (at 5 and 10 s) and the viewer's, costs a rejoin
            // and up to a GOP's wait for a keyframe (1 s): about 11 - 4 x 1.1 s of the 11 s at 30 fps.
            Assert.True(viewed.VideoFramesReceived >= 0.45 * 11 * 30, $"{viewed.VideoFramesReceived} video frames");
            Assert.True(viewed.Reconnects <= 3, $"{viewed.Reconnects} reconnects: GO_AWAY should not have ended the media connection");
            Assert.True(MediaTools.ToneLevelDb(heardByMaster, 660) > MediaTools.ToneLevelDb(heardByMaster, 440) + 20, "the master does not hear the viewer's Matroska voice");
        }

        [Fact]
        public async Task HostileSignalingMessagesAreDroppedAndTheViewerStillConnects()
        {
            await using var harness = await IngestHarness.StartAsync("hostile");
            var master = harness.RunAsync(harness.Options(TimeSpan.FromSeconds(10)));
            await UntilStreamingAsync(harness);
            // The first viewer join gets no offer, so the viewer is waiting for one while the hostile messages arrive.
            harness.Emulator.Server.Options.DropJoins = 1;
            var trace = new ConcurrentQueue<string>();
            var viewing = ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "mallory-target", o =>
            {
                o.Duration = TimeSpan.FromSeconds(3);
                o.OfferTimeout = TimeSpan.FromSeconds(3);
                o.Trace = line => { trace.Enqueue(line); output.WriteLine("viewer " + line); };
            }));
            await UntilAsync(() => harness.Emulator.Server.ControlPlane.Joins.Count >= 2, "the viewer never joined");

            static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
            var hostile = new[]
            {
                new ServiceMessage(SignalingMessageType.SDP_OFFER, "%%% not base64 %%%"),
                new ServiceMessage(SignalingMessageType.SDP_OFFER, Base64("not json")),
                new ServiceMessage(SignalingMessageType.SDP_OFFER, Base64("{\"type\":\"offer\"}")),
                new ServiceMessage(SignalingMessageType.SDP_OFFER, Base64("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\nm=video garbage\\r\\n\"}")),
                new ServiceMessage(SignalingMessageType.SDP_OFFER, Base64("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 1 IN IP4 0.0.0.0\\r\\ns=-\\r\\nt=0 0\\r\\nm=audio 9 UDP/TLS/RTP/SAVPF 111\\r\\na=rtpmap:111 opus/48000/2\\r\\n\"}")),
                new ServiceMessage(SignalingMessageType.SDP_OFFER, Base64(new string('[', 10_000))),
                new ServiceMessage(SignalingMessageType.ICE_CANDIDATE, Base64("{\"candidate\":\"candidate:1 1 UDP notanumber 1.2.3.4 x typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}")),
                new ServiceMessage(SignalingMessageType.ICE_CANDIDATE, Base64("{}")),
                new ServiceMessage(SignalingMessageType.STATUS_RESPONSE),
            };
            foreach (var message in hostile) Assert.True(await harness.Emulator.Server.Hub.SendToViewerAsync(harness.ChannelArn, "mallory-target", message));

            var viewed = await viewing;
            await master;
            Assert.Equal(ViewerEndReason.DurationReached, viewed.EndReason);
            Assert.True(viewed.VideoFramesReceived > 0, "the viewer received no video after the hostile messages");
            Assert.True(trace.Count(line => line.Contains("dropped a SDP_OFFER")) >= 5, "the hostile offers were not each dropped:\n" + string.Join("\n", trace));
        }

        [Theory]
        [InlineData("with-video.mkv", "has a video track", "UnsupportedMedia")]
        [InlineData("aac.mka", "A_AAC", "UnsupportedMedia")]
        [InlineData("aac.m4a", "neither Ogg Opus", "UnsupportedMedia")]
        [InlineData("missing.ogg", "does not exist", "MediaFileNotFound")]
        public async Task AudioThatAViewerCannotSendIsRefusedBeforeAnyCall(string file, string reason, string errorId)
        {
            string path = Path.Combine(MediaTools.Files.Directory, "refused-" + file);
            switch (file)
            {
                case "with-video.mkv":
                    MediaTools.Ffmpeg($"-f lavfi -i testsrc2=size=320x240:rate=10 -f lavfi -i sine=sample_rate=48000 -t 1 -c:v libx264 -profile:v baseline -c:a libopus \"{path}\"");
                    break;
                case "aac.mka":
                case "aac.m4a":
                    MediaTools.Ffmpeg($"-f lavfi -i sine=sample_rate=48000 -t 1 -c:a aac \"{path}\"");
                    break;
            }
            await using var harness = await IngestHarness.StartAsync("refused");
            var error = await Assert.ThrowsAsync<ViewerAudioException>(() => ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "speaker", o => o.AudioPath = path)));
            Assert.Contains(reason, error.Message);
            Assert.Equal("AudioPath", error.ParamName);
            Assert.Equal(errorId, ErrorClassification.Of(error).ErrorId);
            Assert.Empty(harness.Emulator.Server.ControlPlane.Joins);
        }

        [Fact]
        public async Task AnFfmpegInputWithoutAudioAndTwoVoicesAtOnceAreRefusedBeforeAnyCall()
        {
            await using var harness = await IngestHarness.StartAsync("refused");
            var silent = await Assert.ThrowsAsync<ViewerAudioException>(() => ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "speaker", o =>
            {
                o.InputFormat = "lavfi";
                o.InputUri = "testsrc2=size=320x240:rate=10";
            })));
            Assert.Equal("InputUri", silent.ParamName);
            Assert.Contains("ffmpeg could not read audio", silent.Message);
            var both = await Assert.ThrowsAsync<ViewerAudioException>(() => ViewerSession.RunAsync(harness.Emulator.Connect(), Options(harness.ChannelArn, "speaker", o =>
            {
                o.Tone = true;
                o.InputUri = "sine";
            })));
            Assert.Contains("only one of -AudioPath, -InputUri and -Tone", both.Message);
            Assert.Equal("UnsupportedMedia", ErrorClassification.Of(both).ErrorId);
            Assert.Empty(harness.Emulator.Server.ControlPlane.Joins);
        }
    }
}
