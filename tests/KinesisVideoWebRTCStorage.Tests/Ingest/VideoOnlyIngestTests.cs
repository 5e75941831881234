using System;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Tests.Media;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    /// <summary>Cameras without a microphone: the storage session records both tracks, so the audio is made-up silence.</summary>
    public class VideoOnlyIngestTests
    {
        private readonly ITestOutputHelper output;

        public VideoOnlyIngestTests(ITestOutputHelper output) => this.output = output;

        [Fact]
        public async Task AVideoOnlyMatroskaFileIsRecordedWithASilentOpusTrackOfTheSameLength()
        {
            await using var harness = await IngestHarness.StartAsync();
            var trace = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var result = await harness.RunAsync(harness.Options(TimeSpan.FromSeconds(6), o =>
            {
                o.Media.Path = MediaTools.Files.VideoOnlyMkv;
                o.Media.Loop = true;
                o.Trace = trace.Enqueue;
            }));

            Assert.Equal(IngestEndReason.DurationReached, result.EndReason);
            Assert.True(result.SilentAudio);
            Assert.Contains(trace, line => line.Contains("sending a silent Opus track"));
            // Media that plays while the session still connects is not sent (a loaded run sent 154 of 180), so the
            // checks follow what was sent: both tracks in step, 50 silence packets a second to 30 frames.
            Assert.InRange(result.VideoFramesSent, 120, 180);
            Assert.InRange(result.AudioFramesSent, result.VideoFramesSent * 5 / 3 - 4, result.VideoFramesSent * 5 / 3 + 4);

            var session = Assert.Single(await harness.EndedSessionsAsync());
            var recording = RecordingProbe.Of(session.RecordingPath);
            double videoSpan = recording.Video[^1].Time - recording.Video[0].Time + 1 / 30.0;
            output.WriteLine($"{recording.Video.Count} video, {recording.Audio.Count} audio packets; video {videoSpan:0.00} s, audio {recording.AudioSpan:0.00} s");
            Assert.True(recording.Video.Count >= 0.95 * result.VideoFramesSent, $"{recording.Video.Count} of {result.VideoFramesSent} video frames recorded");
            Assert.InRange(recording.AudioSpan, videoSpan - 0.1, videoSpan + 0.1);
            Assert.InRange(recording.Audio[0] - recording.Video[0].Time, -0.05, 0.05);
            Assert.Equal("", recording.DecodeErrors);
            Assert.True(MediaTools.AudioPeakDb(session.RecordingPath) <= -90, "the audio decodes to silence");
        }

        [Fact]
        public async Task RequireAudioRefusesVideoOnlyMediaBeforeJoining()
        {
            await using var harness = await IngestHarness.StartAsync();
            var error = await Assert.ThrowsAsync<IngestMediaException>(() => harness.RunAsync(harness.Options(TimeSpan.FromSeconds(1), o =>
            {
                o.Media.Path = MediaTools.Files.VideoOnlyMkv;
                o.Media.RequireAudio = true;
            })));
            Assert.Contains("has no Opus audio track", error.Message);
            Assert.Contains("-RequireAudio", error.Message);
            Assert.Equal("UnsupportedMedia", ErrorClassification.Of(error).ErrorId);
            Assert.Empty(harness.Emulator.Server.ControlPlane.Joins);

            error = await Assert.ThrowsAsync<IngestMediaException>(() => harness.RunAsync(harness.Options(TimeSpan.FromSeconds(1), o =>
            {
                o.Media.VideoPath = MediaTools.Files.VideoH264;
                o.Media.RequireAudio = true;
            })));
            Assert.Contains("give an Ogg Opus -AudioPath", error.Message);
        }

        [Theory]
        [InlineData("lavfi", null, "-f lavfi")]
        [InlineData("v4l2", "-video_size 1280x720 -framerate 30", "-f v4l2 -video_size 1280x720 -framerate 30")]
        [InlineData(null, " -rtsp_transport tcp ", "-rtsp_transport tcp")]
        [InlineData(null, null, "")]
        public void InputFormatAndOptionsGoBeforeTheInput(string? format, string? options, string expected) =>
            Assert.Equal(expected, IngestMedia.FfmpegInputArguments(new IngestMediaOptions { InputUri = "x", InputFormat = format, InputOptions = options }));

        [Theory]
        [InlineData("lavfi -re")]
        [InlineData("v4l2;rm")]
        [InlineData("-f")]
        public void AnInputFormatThatIsNotAFormatNameIsRefused(string format)
        {
            var error = Assert.Throws<IngestMediaException>(() => IngestMedia.FfmpegInputArguments(new IngestMediaOptions { InputUri = "x", InputFormat = format }));
            Assert.Contains("-InputOptions", error.Message);
        }
    }
}
