using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Tests.Media;
using KinesisVideoWebRTCStorage.Tests.PowerShell;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    /// <summary>
    /// <c>kvwebrtc ingest</c> through a real capped uplink (<see cref="NetworkLab"/>, shared/docs/network-lab.md): the
    /// emulator and the ingest run in a private network namespace whose loopback a tc token bucket limits, and the
    /// recording is judged, not the sender's counters. Skipped, with the reason, where the lab cannot be made (not
    /// root, no ip/tc/nft, no network namespaces). bench/network.sh runs the longer scenarios.
    /// </summary>
    [Collection(MediaTimingCollection.Name)] // alone: a starved CPU would look like a slow link
    public class NetworkLabTests
    {
        private const int Seconds = 20;
        private const int FramesDue = Seconds * 30;
        private static readonly string Cli = Path.Combine(ModuleMetadata.RepoRoot, "module", "emulator", "kvwebrtc.dll");

        private readonly ITestOutputHelper output;

        public NetworkLabTests(ITestOutputHelper output) => this.output = output;

        [NetworkLabFact]
        public async Task ATwoMegabitFileThroughA1500KbitLinkRecordsWhatItCanCleanlyAndWarns()
        {
            string folder = Directory.CreateTempSubdirectory("kvs-network-lab-").FullName;
            try
            {
                // 10 s of 2 Mbit/s 720p30 constrained baseline (IDR every 2 s) with Opus, looped to 20 s.
                string clip = Path.Combine(folder, "clip2m.mkv");
                MediaTools.WriteTestClip(clip, megabitsPerSecond: 2, seconds: 10);

                using var lab = NetworkLab.Create(rateKbit: 1500);
                output.WriteLine($"namespace {lab.Name}: loopback capped at 1500 kbit/s (tbf, burst 30 kb, latency 300 ms)");
                var emulator = lab.Start("dotnet", new[]
                {
                    Cli, "emulator", "--port", "4566", "--json", "--exit-on-stdin-close", "--data-dir", Path.Combine(folder, "data"), "--storage-channel", "cam1",
                });
                var emulatorLog = emulator.StandardError.ReadToEndAsync();
                string ready = await emulator.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                    ?? throw new Xunit.Sdk.XunitException($"the emulator exited before it was ready: {await emulatorLog}");
                using var endpoint = JsonDocument.Parse(ready);
                string Field(string name) => endpoint.RootElement.GetProperty(name).GetString()!;

                var ingest = lab.Start("dotnet", new[]
                {
                    Cli, "ingest", "--channel-name", "cam1", "--path", clip, "--loop", "--duration", Seconds.ToString(CultureInfo.InvariantCulture),
                    "--endpoint-url", Field("EndpointUrl"), "--region", Field("Region"),
                }, new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = Field("AccessKey"), ["AWS_SECRET_ACCESS_KEY"] = Field("SecretKey") });
                var stdout = ingest.StandardOutput.ReadToEndAsync();
                var stderr = ingest.StandardError.ReadToEndAsync();
                var clock = Stopwatch.StartNew();
                await ingest.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
                output.WriteLine($"kvwebrtc ingest exited {ingest.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s");

                // Closing its stdin stops the emulator, which finishes the recordings.
                emulator.StandardInput.Close();
                await emulator.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

                JsonElement summary;
                try
                {
                    summary = JsonDocument.Parse(await stdout).RootElement;
                }
                catch (JsonException)
                {
                    throw new Xunit.Sdk.XunitException($"kvwebrtc ingest printed no summary (exit {ingest.ExitCode}): {await stderr}");
                }
                output.WriteLine(await stdout);

                string ingestLog = await stderr;
                output.WriteLine(string.Join(Environment.NewLine, ingestLog.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(15)));
                string recordingsDirectory = Field("RecordingsDirectory");
                var recordings = Directory.Exists(recordingsDirectory)
                    ? Directory.GetFiles(recordingsDirectory, "*.mkv", SearchOption.AllDirectories).OrderBy(p => p).ToList()
                    : new List<string>();
                var probes = recordings.Select(RecordingProbe.Of).ToList();
                int frames = probes.Sum(p => p.Video.Count);
                // The longest freeze: the largest gap between recorded frames, or the media no recording reaches.
                double span = probes.Where(p => p.Video.Count > 0).Sum(p => p.Video.Max(v => v.Time) - p.Video.Min(v => v.Time) + 1 / 30.0);
                double freeze = Math.Max(probes.Select(p => LargestGap(p.Video.Select(v => v.Time))).DefaultIfEmpty(0).Max(), Seconds - span);
                string decodeErrors = string.Concat(probes.Select(p => p.DecodeErrors));
                var warnings = summary.TryGetProperty("Warnings", out var list) ? list.EnumerateArray().Select(w => w.GetString() ?? "").ToList() : new List<string>();
                output.WriteLine($"{recordings.Count} recording(s): {frames} of {FramesDue} video frames ({100.0 * frames / FramesDue:0.0} %), "
                    + $"longest freeze {freeze:0.00} s, decode errors: {(decodeErrors.Length == 0 ? "none" : decodeErrors)}");
                output.WriteLine($"{warnings.Count} warning(s)" + string.Concat(warnings.Select(w => Environment.NewLine + "  " + w)));

                Assert.NotEmpty(recordings);
                Assert.True(decodeErrors.Length == 0, $"the recording does not decode cleanly: {decodeErrors}");
                // Without congestion control this records about 2 % (the link drops most of every keyframe); GOP-aware
                // thinning records 47-51 % over these 20 s (four runs here; 12 s runs, which the start weighs on more,
                // gave 29-45 %), so 35 % leaves room for a loaded CI host. The start can cost two of the file's 2 s
                // GOPs before the link is found short (2.9-3.0 s freezes measured), hence at most two GOPs and a frame.
                Assert.True(frames >= 0.35 * FramesDue, $"{frames} of {FramesDue} video frames recorded ({100.0 * frames / FramesDue:0.0} %, at least 35 % wanted)");
                Assert.True(freeze <= 4.04, $"the recording freezes for {freeze:0.00} s (at most two 2 s GOPs wanted)");
                Assert.True(warnings.Any(w => Regex.IsMatch(w, @"\b\d+ of \d+ video (frames|packets)\b")),
                    "the summary has no warning naming how much video was dropped or lost: " + (warnings.Count == 0 ? "none" : string.Join(" | ", warnings)));
            }
            finally
            {
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // best effort cleanup of a temp folder
            }
        }

        private static double LargestGap(IEnumerable<double> times)
        {
            var sorted = times.OrderBy(t => t).ToList();
            return sorted.Zip(sorted.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
        }
    }
}
