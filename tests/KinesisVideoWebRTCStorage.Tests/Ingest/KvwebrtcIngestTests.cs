using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Tests.Media;
using KinesisVideoWebRTCStorage.Tests.PowerShell;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    /// <summary><c>kvwebrtc ingest</c> as a user runs it: a separate process, credentials from the environment.</summary>
    public class KvwebrtcIngestTests
    {
        private static readonly string Cli = Path.Combine(ModuleMetadata.RepoRoot, "module", "emulator", "kvwebrtc.dll");

        private static (int Exit, string Stdout, string Stderr) Run(IngestHarness harness, string arguments)
        {
            var options = harness.Emulator.Server.Options;
            var info = new System.Diagnostics.ProcessStartInfo("dotnet", $"\"{Cli}\" {arguments} --endpoint-url {harness.Emulator.Endpoint} --region {options.Region}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.Environment["AWS_ACCESS_KEY_ID"] = options.AccessKey;
            info.Environment["AWS_SECRET_ACCESS_KEY"] = options.SecretKey;
            using var process = System.Diagnostics.Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("kvwebrtc ingest did not finish within 2 minutes");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }

        [Fact]
        public async Task IngestsTenSecondsOfAFilePairAndPrintsTheSummary()
        {
            await using var harness = await IngestHarness.StartAsync("cli-cam");
            var files = MediaTools.Files; // 3 s of H.264 + Opus, looped
            var (exit, stdout, stderr) = Run(harness,
                $"ingest --channel-name cli-cam --video-path \"{files.VideoH264}\" --audio-path \"{files.AudioOgg}\" --loop --duration 10");

            Assert.True(exit == 0, $"exit {exit}: {stderr}");
            using var summary = JsonDocument.Parse(stdout);
            Assert.Equal("DurationReached", summary.RootElement.GetProperty("EndReason").GetString());
            Assert.Equal(harness.ChannelArn, summary.RootElement.GetProperty("ChannelARN").GetString());
            long sent = summary.RootElement.GetProperty("VideoFramesSent").GetInt64();
            Assert.InRange(sent, 295, 300);
            var session = Assert.Single(await harness.EndedSessionsAsync());
            var recording = RecordingProbe.Of(session.RecordingPath);
            Assert.True(recording.Video.Count >= 0.95 * 300, $"{recording.Video.Count} of 300 frames recorded");
            Assert.True(recording.AudioSpan >= 0.95 * 10, $"audio covers {recording.AudioSpan:0.00} s");
            Assert.True(recording.Video[0].Key);
            Assert.Equal("", recording.DecodeErrors);
            Assert.DoesNotContain(harness.Emulator.Server.Options.SecretKey, stdout + stderr);
        }

        [Fact]
        public async Task OpensAVideoOnlyLavfiGraphWithInputFormatAndSendsSilence()
        {
            await using var harness = await IngestHarness.StartAsync("cli-lavfi");
            var (exit, stdout, stderr) = Run(harness,
                "ingest --channel-name cli-lavfi --input-uri testsrc2=size=320x240:rate=25 --input-format lavfi --input-options \"-re\" --duration 3");

            Assert.True(exit == 0, $"exit {exit}: {stderr}");
            using var summary = JsonDocument.Parse(stdout);
            Assert.Equal("DurationReached", summary.RootElement.GetProperty("EndReason").GetString());
            Assert.True(summary.RootElement.GetProperty("SilentAudio").GetBoolean());
            Assert.Equal("ffmpeg input -f lavfi testsrc2=size=320x240:rate=25", summary.RootElement.GetProperty("Media").GetString());
            var session = Assert.Single(await harness.EndedSessionsAsync());
            Assert.True(MediaTools.PacketCount(session.RecordingPath, "v:0") >= 0.9 * 75);
            Assert.True(MediaTools.AudioPeakDb(session.RecordingPath) <= -90);
        }

        [Fact]
        public async Task AMissingFileExitsNonZeroWithItsErrorIdAndSendsNothing()
        {
            await using var harness = await IngestHarness.StartAsync("cli-missing");
            var (exit, _, stderr) = Run(harness, "ingest --channel-name cli-missing --path /nonexistent/clip.mkv");
            Assert.Equal(1, exit);
            Assert.Contains("MediaFileNotFound", stderr);
            Assert.Contains("/nonexistent/clip.mkv", stderr);
            Assert.Empty(harness.Emulator.Server.ControlPlane.Joins);
        }
    }
}
