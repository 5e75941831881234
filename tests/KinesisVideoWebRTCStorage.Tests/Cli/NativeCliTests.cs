using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Tests.Media;
using KinesisVideoWebRTCStorage.Tests.PowerShell;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Cli
{
    /// <summary>
    /// The natively compiled kvwebrtc (dotnet publish -r linux-x64, which tests/run.sh does first): no JIT and no
    /// reflection, so everything it serializes or looks up at run time must have been compiled in. These run its
    /// emulator and its ingest against each other, and its emulator's saved state across a restart.
    /// </summary>
    public class NativeCliTests
    {
        private static readonly string Native = Path.Combine(ModuleMetadata.RepoRoot, "artifacts", "kvwebrtc", "linux-x64", "kvwebrtc");

        private static Process Start(string arguments, string? accessKey = null, string? secretKey = null)
        {
            Assert.True(File.Exists(Native), $"{Native} is missing: run tests/run.sh, or dotnet publish src/KinesisVideoWebRTCStorage.Cli -c Release -r linux-x64 -o artifacts/kvwebrtc/linux-x64 (needs clang and zlib1g-dev).");
            var info = new ProcessStartInfo(Native, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (accessKey != null) info.Environment["AWS_ACCESS_KEY_ID"] = accessKey;
            if (secretKey != null) info.Environment["AWS_SECRET_ACCESS_KEY"] = secretKey;
            return Process.Start(info)!;
        }

        private static async Task<(int Exit, string Output, string Errors)> RunAsync(string arguments, JsonElement ready)
        {
            using var process = Start(arguments, ready.GetProperty("AccessKey").GetString(), ready.GetProperty("SecretKey").GetString());
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000)) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (process.ExitCode, await output, await errors);
        }

        [Fact]
        public async Task TheNativeIngestIsRecordedByTheNativeEmulatorWhoseStateSurvivesARestart()
        {
            string data = Path.Combine(Path.GetTempPath(), "kvs-native-" + Guid.NewGuid().ToString("N"));
            try
            {
                string firstArn;
                using (var emulator = Start($"emulator --json --port 0 --data-dir \"{data}\" --storage-channel native"))
                {
                    try
                    {
                        using var ready = JsonDocument.Parse(await emulator.StandardOutput.ReadLineAsync() ?? "{}");
                        string common = $"--endpoint-url {ready.RootElement.GetProperty("EndpointUrl").GetString()} --region {ready.RootElement.GetProperty("Region").GetString()}";

                        var endpoint = await RunAsync($"endpoint --channel-name native {common}", ready.RootElement);
                        Assert.True(endpoint.Exit == 0, endpoint.Errors);
                        using var endpoints = JsonDocument.Parse(endpoint.Output);
                        firstArn = endpoints.RootElement.GetProperty("ChannelARN").GetString()!;
                        Assert.Contains(":channel/native/", firstArn);
                        Assert.Equal("MASTER", endpoints.RootElement.GetProperty("Role").GetString());
                        Assert.StartsWith("ws://", endpoints.RootElement.GetProperty("WssEndpoint").GetString());

                        var ingest = await RunAsync($"ingest --channel-name native --duration 3 {common}", ready.RootElement);
                        Assert.True(ingest.Exit == 0, ingest.Errors);
                        using var summary = JsonDocument.Parse(ingest.Output);
                        Assert.Equal("DurationReached", summary.RootElement.GetProperty("EndReason").GetString());
                        Assert.Equal(firstArn, summary.RootElement.GetProperty("ChannelARN").GetString());
                        long sent = summary.RootElement.GetProperty("VideoFramesSent").GetInt64();
                        Assert.InRange(sent, 60, 100); // 3 s of 25 fps
                        Assert.True(summary.RootElement.GetProperty("TimeToFirstFrameMs").GetDouble() > 0);

                        await Task.Delay(1000); // the storage session finishes its file
                        var recording = Assert.Single(Directory.GetFiles(Path.Combine(data, "native-stream"), "*.mkv"));
                        Assert.Equal("", MediaTools.DecodeErrors(recording));
                        Assert.Equal(sent, MediaTools.PacketCount(recording, "v:0"));
                    }
                    finally
                    {
                        if (!emulator.HasExited) emulator.Kill(entireProcessTree: true);
                    }
                }

                // state.json, written natively, read back natively: the channel keeps its ARN.
                using var restarted = Start($"emulator --json --port 0 --data-dir \"{data}\"");
                try
                {
                    using var ready = JsonDocument.Parse(await restarted.StandardOutput.ReadLineAsync() ?? "{}");
                    string common = $"--endpoint-url {ready.RootElement.GetProperty("EndpointUrl").GetString()} --region {ready.RootElement.GetProperty("Region").GetString()}";
                    var endpoint = await RunAsync($"endpoint --channel-name native {common}", ready.RootElement);
                    Assert.True(endpoint.Exit == 0, endpoint.Errors);
                    using var endpoints = JsonDocument.Parse(endpoint.Output);
                    Assert.Equal(firstArn, endpoints.RootElement.GetProperty("ChannelARN").GetString());
                }
                finally
                {
                    if (!restarted.HasExited) restarted.Kill(entireProcessTree: true);
                }
            }
            finally
            {
                try { Directory.Delete(data, recursive: true); } catch (IOException) { } // best effort cleanup of a temp folder
            }
        }

        [Fact]
        public async Task TheNativeCliReportsAServiceErrorWithItsErrorId()
        {
            using var emulator = Start("emulator --json --port 0");
            try
            {
                using var ready = JsonDocument.Parse(await emulator.StandardOutput.ReadLineAsync() ?? "{}");
                var result = await RunAsync($"endpoint --channel-name absent --endpoint-url {ready.RootElement.GetProperty("EndpointUrl").GetString()} --region us-west-2", ready.RootElement);
                Assert.Equal(1, result.Exit);
                Assert.Equal("", result.Output);
                Assert.StartsWith("kvwebrtc: ResourceNotFoundException:", result.Errors.Trim());
            }
            finally
            {
                if (!emulator.HasExited) emulator.Kill(entireProcessTree: true);
            }
        }

        private static async Task UntilStreamingAsync(string endpointUrl, string streamName)
        {
            using var http = new System.Net.Http.HttpClient();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (true)
            {
                var response = await http.PostAsync(endpointUrl + "/_emulator/status", new System.Net.Http.StringContent("{}"));
                using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (status.RootElement.GetProperty("StorageSessions").EnumerateArray()
                    .Any(s => s.GetProperty("StreamName").GetString() == streamName && s.GetProperty("State").GetString() == "Streaming")) return;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"the master of {streamName} never streamed: {status.RootElement}");
                await Task.Delay(100);
            }
        }

        [Fact]
        public async Task TheNativeViewerSpeaksWhatFfmpegReadsAndTheNativeMasterHearsIt()
        {
            string directory = Directory.CreateTempSubdirectory("kvs-native-view-").FullName;
            using var emulator = Start("emulator --json --port 0 --storage-channel porch");
            try
            {
                using var ready = JsonDocument.Parse(await emulator.StandardOutput.ReadLineAsync() ?? "{}");
                string common = $"--endpoint-url {ready.RootElement.GetProperty("EndpointUrl").GetString()} --region {ready.RootElement.GetProperty("Region").GetString()}";
                string heard = Path.Combine(directory, "heard.ogg"), seen = Path.Combine(directory, "seen.mkv");
                // RunAsync waits for its process synchronously: the master runs on a worker meanwhile.
                var master = Task.Run(() => RunAsync($"ingest --channel-name porch --duration 9 --received-audio-path \"{heard}\" {common}", ready.RootElement));
                await UntilStreamingAsync(ready.RootElement.GetProperty("EndpointUrl").GetString()!, "porch-stream");
                var view = await RunAsync($"view --channel-name porch --client-id neighbour --input-format lavfi --input-uri sine=frequency=660:sample_rate=48000 --duration 3 --output \"{seen}\" {common}", ready.RootElement);
                var ingest = await master;

                Assert.True(view.Exit == 0, view.Errors);
                Assert.True(ingest.Exit == 0, ingest.Errors);
                using var summary = JsonDocument.Parse(view.Output);
                Assert.Equal("DurationReached", summary.RootElement.GetProperty("EndReason").GetString());
                Assert.True(summary.RootElement.GetProperty("VideoFramesReceived").GetInt64() >= 0.7 * 3 * 25, view.Output);
                Assert.True(summary.RootElement.GetProperty("AudioFramesSent").GetInt64() >= 100, view.Output);
                Assert.Equal("", MediaTools.DecodeErrors(seen));
                Assert.True(MediaTools.ToneLevelDb(heard, 660) > MediaTools.ToneLevelDb(heard, 440) + 20, "the master does not hear the viewer's 660 Hz");
            }
            finally
            {
                if (!emulator.HasExited) emulator.Kill(entireProcessTree: true);
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
