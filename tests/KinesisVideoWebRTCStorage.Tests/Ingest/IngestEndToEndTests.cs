using System;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Ingest;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    /// <summary>The core ingest path into the emulator, judged by what the emulator recorded and what ffmpeg makes of it.</summary>
    public class IngestEndToEndTests
    {
        private readonly ITestOutputHelper output;

        public IngestEndToEndTests(ITestOutputHelper output) => this.output = output;

        [Fact]
        public async Task TenSecondsOfTestMediaAreRecordedWholeAndDecodeCleanly()
        {
            await using var harness = await IngestHarness.StartAsync();
            var result = await harness.RunAsync(harness.Options(TimeSpan.FromSeconds(10), o => o.Trace = output.WriteLine));

            Assert.Equal(IngestEndReason.DurationReached, result.EndReason);
            Assert.Equal(harness.ChannelArn, result.ChannelARN);
            Assert.InRange(result.VideoFramesSent, 295, 300);
            Assert.InRange(result.AudioFramesSent, 490, 500);
            Assert.NotNull(result.TimeToFirstFrame);
            Assert.Equal(1, result.StorageSessions);
            // The storage peer's reports echo our sender reports: the RTT of loopback, and nothing refused on a clean link.
            Assert.NotNull(result.RoundTripTime);
            Assert.InRange(result.RoundTripTime!.Value, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
            Assert.Equal(0, result.RetransmissionsRefusedLate);
            Assert.Equal(0, result.VideoFramesDroppedByCongestion);
            Assert.Empty(result.Warnings);

            var session = Assert.Single(await harness.EndedSessionsAsync());
            Assert.Contains("close_notify", session.EndReason);
            var recording = RecordingProbe.Of(session.RecordingPath);
            output.WriteLine($"{recording.Video.Count} video packets, {recording.Audio.Count} audio packets, audio span {recording.AudioSpan:0.00} s; log:\n{harness.LogText}");
            Assert.True(recording.Video.Count >= 0.95 * 300, $"{recording.Video.Count} of 300 video frames recorded");
            Assert.True(recording.AudioSpan >= 0.95 * 10, $"audio covers {recording.AudioSpan:0.00} s of 10");
            Assert.True(recording.Video[0].Key, "the recording starts with an IDR");
            Assert.Equal("", recording.DecodeErrors);
            Assert.Equal(session.VideoFramesRecorded, recording.Video.Count);
        }

        [Fact]
        public async Task CancellationStopsCleanlyAndKeepsWhatWasRecorded()
        {
            await using var harness = await IngestHarness.StartAsync();
            using var stop = new System.Threading.CancellationTokenSource();
            var options = harness.Options(TimeSpan.FromMinutes(5), o => o.Progress = p => { if (p.VideoFrames > 60) stop.Cancel(); });
            var result = await harness.RunAsync(options, stop.Token);

            Assert.Equal(IngestEndReason.Stopped, result.EndReason);
            Assert.True(result.VideoFramesSent > 60);
            var session = Assert.Single(await harness.EndedSessionsAsync());
            var recording = RecordingProbe.Of(session.RecordingPath);
            Assert.True(recording.Video.Count >= result.VideoFramesSent - 5, $"{recording.Video.Count} recorded of {result.VideoFramesSent} sent");
            Assert.Equal("", recording.DecodeErrors);
        }
    }
}
