using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Emulator;
using KinesisVideoWebRTCStorage.Hosting;
using KinesisVideoWebRTCStorage.Ingest;

namespace KinesisVideoWebRTCStorage.Bench.Ingest
{
    /// <summary>
    /// 1. Time from calling ingest to the first frame the emulator records, on loopback, with the phases it spends
    ///    (target p50 ≤ 300 ms). 2. One `kvwebrtc ingest` process, as a camera's runbook runs it: CPU in steady state,
    ///    peak RSS over the run and the cold first frame, against issue 15's targets. 3. N concurrent 1 Mbps ingests
    ///    from this process into one emulator process, with the share of frames recorded, CPU and peak memory per
    ///    session; N = 1 is the reference of the same run. 4. The emulator's multi-party session: a master alone, then
    ///    with N viewers (<see cref="MultiwayBench"/>).
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            string cli = args[0];
            int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
            var loads = (args.Length > 2 ? args[2] : "10,50,100").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList();
            double seconds = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 20;
            double singleSeconds = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 60;
            double megabitSeconds = args.Length > 5 ? double.Parse(args[5], CultureInfo.InvariantCulture) : 60;
            int pwshRuns = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 5;
            int viewers = args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : 10;
            string? nativeCli = Environment.GetEnvironmentVariable("KVS_BENCH_NATIVE_CLI") is { Length: > 0 } path ? path : null;
            Console.WriteLine($"Ingest benchmarks on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            await FirstFrameAsync(runs);
            await SingleStreamAsync(cli, nativeCli, TimeSpan.FromSeconds(singleSeconds), TimeSpan.FromSeconds(megabitSeconds), pwshRuns);
            await LoadAsync(cli, new[] { 1 }.Concat(loads).Distinct().ToList(), TimeSpan.FromSeconds(seconds));
            if (viewers > 0) await MultiwayBench.RunAsync(cli, viewers, TimeSpan.FromSeconds(seconds));
            return 0;
        }

        private static async Task FirstFrameAsync(int runs)
        {
            Console.WriteLine();
            Console.WriteLine($"== Time to first recorded frame: {runs} ingests of the test pattern, in-process emulator, loopback");
            var options = new EmulatorOptions { RecordingsDirectory = Path.Combine(Path.GetTempPath(), "kvs-bench-ttff-" + Environment.ProcessId) };
            await using var emulator = await EmulatorServer.StartAsync(options);
            var phases = new Dictionary<string, List<double>>();
            var totals = new List<double>();
            for (int run = 0; run < runs; run++)
            {
                string channel = "ttff" + run;
                emulator.ControlPlane.CreateStorageChannel(channel);
                var connection = KvsConnection.Create(new AwsConnectionOptions
                {
                    AccessKey = options.AccessKey, SecretKey = options.SecretKey, Region = options.Region,
                    EndpointUrl = emulator.EndpointUrl.ToString().TrimEnd('/'),
                });
                var trace = new List<(double At, string Line)>();
                var pattern = new Regex(@"^\[\s*([0-9.]+) s\] (.*)$");
                using var stop = new CancellationTokenSource();
                var watch = Stopwatch.StartNew();
                var ingest = IngestSession.RunAsync(connection, new IngestOptions(ChannelReference.FromName(channel))
                {
                    LoopbackOnly = true,
                    Trace = line =>
                    {
                        var m = pattern.Match(line);
                        if (m.Success) lock (trace) trace.Add((double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1000, m.Groups[2].Value));
                    },
                }, stop.Token);
                double firstFrame = double.NaN;
                while (watch.Elapsed < TimeSpan.FromSeconds(30))
                {
                    var session = emulator.Storage.Sessions.FirstOrDefault(s => s.ChannelArn.Contains("/" + channel + "/"));
                    if (session != null && session.VideoFramesRecorded > 0)
                    {
                        firstFrame = watch.Elapsed.TotalMilliseconds;
                        break;
                    }
                    await Task.Delay(1);
                }
                stop.Cancel();
                await ingest;
                totals.Add(firstFrame);
                void Phase(string name, string startsWith, string endsWith)
                {
                    lock (trace)
                    {
                        var a = trace.FirstOrDefault(t => t.Line.StartsWith(startsWith, StringComparison.Ordinal));
                        var b = trace.FirstOrDefault(t => t.Line.StartsWith(endsWith, StringComparison.Ordinal));
                        if (a.Line == null || b.Line == null) return;
                        if (!phases.TryGetValue(name, out var list)) phases[name] = list = new List<double>();
                        list.Add(b.At - a.At);
                    }
                }
                Phase("1 preflight (describe, storage config, endpoints)", "media:", "channel ");
                Phase("2 signaling connect", "channel ", "signaling connected");
                Phase("3 ICE config + JoinStorageSession", "signaling connected", "JoinStorageSession");
                Phase("4 offer arrives, answer sent", "JoinStorageSession", "answered");
                Phase("5 ICE + DTLS", "answered", "storage session connected");
            }
            Console.WriteLine($"   first run (cold process): {totals[0]:0} ms");
            var warm = totals.Skip(1).ToList();
            if (warm.Count > 0) Console.WriteLine($"   warm runs: p50 {Percentile(warm, 50):0} ms, p90 {Percentile(warm, 90):0} ms, max {warm.Max():0} ms   (target p50 <= 300 ms: {(Percentile(warm, 50) <= 300 ? "met" : "NOT met")})");
            foreach (var (name, values) in phases.OrderBy(p => p.Key))
                Console.WriteLine($"   {name,-52} p50 {Percentile(values.Skip(1).DefaultIfEmpty(values[0]).ToList(), 50),6:0.0} ms");
        }

        private static async Task SingleStreamAsync(string cli, string? nativeCli, TimeSpan duration, TimeSpan megabitDuration, int pwshRuns)
        {
            Console.WriteLine();
            Console.WriteLine($"== One kvwebrtc ingest process, {duration.TotalSeconds:0} s, into an emulator process already running (warmed by one ingest)");
            string work = Path.Combine(Path.GetTempPath(), "kvs-bench-single-" + Environment.ProcessId);
            Directory.CreateDirectory(work);
            string clip = Path.Combine(work, "clip.mkv");
            Ffmpeg("-f lavfi -i testsrc2=size=1280x720:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 30 -c:v libx264 -profile:v baseline " +
                $"-pix_fmt yuv420p -preset veryfast -b:v 300k -maxrate 325k -bufsize 650k -g 50 -bf 0 -c:a libopus -b:a 32k \"{clip}\"");
            Console.WriteLine($"   media: 1280x720 25 fps constrained-baseline H.264 + Opus, {new FileInfo(clip).Length * 8 / 30.0 / 1e6:0.00} Mbit/s, looped");
            string megabitClip = Path.Combine(work, "clip-1mbps.mkv");
            Ffmpeg("-f lavfi -i testsrc2=size=1280x720:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 30 -c:v libx264 -profile:v baseline " +
                $"-pix_fmt yuv420p -preset veryfast -b:v 950k -maxrate 1M -bufsize 2M -g 50 -bf 0 -c:a libopus -b:a 32k \"{megabitClip}\"");
            var info = new LocalEmulatorStartInfo(cli) { DataDirectory = Path.Combine(work, "data"), ReadyTimeout = TimeSpan.FromSeconds(60) };
            foreach (string channel in new[] { "warmup", "native", "megabit", "reference" }) info.StorageChannels.Add(channel);
            for (int i = 0; i < pwshRuns; i++) info.StorageChannels.Add("pwsh" + i);
            var emulator = await LocalEmulator.StartAsync(info, default);
            try
            {
                // The emulator stands in for a service that is always warm: its own JIT should not count against the ingest.
                await RunOneIngestAsync(emulator, "dotnet", cli, "warmup", clip, TimeSpan.FromSeconds(3), null);
                if (nativeCli != null)
                    await RunOneIngestAsync(emulator, nativeCli, null, "native", clip, duration, "native kvwebrtc (dotnet publish -r linux-x64), the one judged");
                else
                    Console.WriteLine("   native kvwebrtc: NOT measured (no published binary was given; bench/ingest.sh publishes one, which needs clang)");
                if (nativeCli != null && megabitDuration > TimeSpan.Zero)
                    await RunOneIngestAsync(emulator, nativeCli, null, "megabit", megabitClip, megabitDuration,
                        $"native kvwebrtc at {new FileInfo(megabitClip).Length * 8 / 30.0 / 1e6:0.00} Mbit/s", "<= 60 MiB over 10 minutes");
                await PwshColdStartAsync(emulator, pwshRuns);
                var reference = TimeSpan.FromSeconds(Math.Min(duration.TotalSeconds, 60));
                await RunOneIngestAsync(emulator, "dotnet", cli, "reference", clip, reference, $"framework-dependent kvwebrtc.dll (JIT), reference, {reference.TotalSeconds:0} s");
            }
            finally
            {
                await emulator.StopAsync(TimeSpan.FromSeconds(30));
            }
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }

        /// <summary>
        /// The first Start-KVWebRTCIngest in each of several fresh pwsh processes (the module imported, nothing else
        /// run): from the cmdlet's invocation to the first frame sent, as a user at a prompt waits for it.
        /// </summary>
        private static async Task PwshColdStartAsync(LocalEmulator emulator, int runs)
        {
            if (runs == 0) return;
            Console.WriteLine($"   first Start-KVWebRTCIngest in a fresh pwsh, invocation to first frame ({runs} processes):");
            string? module = Environment.GetEnvironmentVariable("KVS_BENCH_MODULE");
            string? pwsh = FindPwsh();
            if (module == null || pwsh == null)
            {
                Console.WriteLine("      NOT measured: " + (pwsh == null ? "pwsh is not on PATH (dotnet tool install --global PowerShell)" : "KVS_BENCH_MODULE names no module (bench/ingest.sh sets it)"));
                return;
            }
            var firstFrames = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                string script = $"$ErrorActionPreference = 'Stop'; Import-Module '{module}'; $t0 = [DateTime]::UtcNow; " +
                    $"$r = Start-KVWebRTCIngest -ChannelName pwsh{i} -Duration 2 -EndpointUrl '{emulator.EndpointUrl}' -Region {emulator.Region} " +
                    $"-AccessKey {emulator.AccessKey} -SecretKey '{emulator.SecretKey}'; " +
                    "[int](($r.StartTime.ToUniversalTime() + $r.TimeToFirstFrame) - $t0).TotalMilliseconds";
                var start = new ProcessStartInfo(pwsh) { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (string argument in new[] { "-NoProfile", "-NonInteractive", "-Command", script }) start.ArgumentList.Add(argument);
                using var process = Process.Start(start)!;
                string output = (await process.StandardOutput.ReadToEndAsync()).Trim();
                string errors = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0 || !double.TryParse(output.Split('\n').Last(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ms))
                {
                    Console.WriteLine($"      FAILED, exit {process.ExitCode}: {(output + " " + errors).Trim()}");
                    return;
                }
                firstFrames.Add(ms);
            }
            Console.WriteLine($"      {string.Join(", ", firstFrames.Select(f => f.ToString("0", CultureInfo.InvariantCulture)))} ms; median {Percentile(firstFrames, 50):0} ms " +
                $"(target <= 600 ms: {(Percentile(firstFrames, 50) <= 600 ? "met" : "NOT met")})");
        }

        private static string? FindPwsh()
        {
            var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "pwsh");
            if (File.Exists(tool)) return tool;
            return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, "pwsh")).FirstOrDefault(File.Exists);
        }

        /// <summary>One `kvwebrtc ingest` process: steady-state CPU, peak RSS, first frame from process start, frames recorded.</summary>
        /// <param name="rssTarget">Issue 15's bound on peak RSS for this media, as printed beside the figure.</param>
        private static async Task RunOneIngestAsync(LocalEmulator emulator, string program, string? assembly, string channel, string clip, TimeSpan duration, string? label,
            string rssTarget = "<= 40 MiB over 5 minutes")
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            if (assembly != null) start.ArgumentList.Add(assembly);
            foreach (string argument in new[] { "ingest", "--channel-name", channel, "--path", clip, "--loop", "--duration",
                         duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--endpoint-url", emulator.EndpointUrl, "--region", emulator.Region })
                start.ArgumentList.Add(argument);
            start.Environment["AWS_ACCESS_KEY_ID"] = emulator.AccessKey;
            start.Environment["AWS_SECRET_ACCESS_KEY"] = emulator.SecretKey;
            long recordedBefore = await RecordedVideoFramesAsync(emulator.EndpointUrl);
            var launched = DateTime.UtcNow;
            using var ingest = Process.Start(start)!;
            var output = ingest.StandardOutput.ReadToEndAsync();
            var errors = ingest.StandardError.ReadToEndAsync();
            // Steady state: from 12 s (start-up and the first GOPs behind) to 2 s before the end.
            var steadyFrom = TimeSpan.FromSeconds(12);
            var steadyTo = duration - TimeSpan.FromSeconds(2);
            TimeSpan? cpuFrom = null, cpuTo = null;
            long peak = 0;
            var clock = Stopwatch.StartNew();
            while (!ingest.HasExited)
            {
                try
                {
                    ingest.Refresh();
                    peak = Math.Max(peak, PeakRss.Read(ingest.Id));
                    if (cpuFrom == null && clock.Elapsed >= steadyFrom) cpuFrom = ingest.TotalProcessorTime;
                    if (cpuTo == null && clock.Elapsed >= steadyTo) cpuTo = ingest.TotalProcessorTime;
                }
                catch (Exception e) when (e is InvalidOperationException || e is IOException)
                {
                    break; // it exited between the check and the read
                }
                await Task.Delay(250);
            }
            ingest.WaitForExit();
            await Task.Delay(2000); // the storage session finishes its file
            long recorded = await RecordedVideoFramesAsync(emulator.EndpointUrl) - recordedBefore;
            if (label == null) return;
            Console.WriteLine($"   {label}:");
            if (ingest.ExitCode != 0)
            {
                Console.WriteLine($"      FAILED, exit {ingest.ExitCode}: {(await errors).Trim()}");
                return;
            }
            var summary = JsonDocument.Parse(await output).RootElement;
            long sent = summary.GetProperty("VideoFramesSent").GetInt64();
            string steady = cpuFrom is TimeSpan a && cpuTo is TimeSpan b
                ? $"{(b - a).TotalSeconds / (steadyTo - steadyFrom).TotalSeconds * 100:0.0}% of a core (target <= 2.5%)" : "not measured (the run was too short)";
            Console.WriteLine($"      CPU, steady state ({steadyFrom.TotalSeconds:0}-{steadyTo.TotalSeconds:0} s): {steady}");
            Console.WriteLine($"      peak RSS: {peak / 1048576.0:0} MiB (target {rssTarget})");
            if (summary.TryGetProperty("StartTime", out var started) && summary.TryGetProperty("TimeToFirstFrameMs", out var first) && first.ValueKind == JsonValueKind.Number)
            {
                var firstFrame = started.GetDateTime().ToUniversalTime() + TimeSpan.FromMilliseconds(first.GetDouble());
                Console.WriteLine($"      cold first frame: {(firstFrame - launched).TotalMilliseconds:0} ms from process start (target <= 300 ms)");
            }
            Console.WriteLine($"      video frames recorded/sent: {recorded}/{sent}");
        }

        private static async Task LoadAsync(string cli, IReadOnlyList<int> loads, TimeSpan duration)
        {
            Console.WriteLine();
            Console.WriteLine($"== Concurrent 1 Mbps ingests from this process into one emulator process, {duration.TotalSeconds:0} s each");
            string work = Path.Combine(Path.GetTempPath(), "kvs-bench-load-" + Environment.ProcessId);
            Directory.CreateDirectory(work);
            string video = Path.Combine(work, "video.h264"), audio = Path.Combine(work, "audio.ogg");
            Ffmpeg($"-f lavfi -i testsrc2=size=640x480:rate=30 -t 10 -c:v libx264 -profile:v baseline -pix_fmt yuv420p -b:v 950k -maxrate 1M -bufsize 1M -g 30 -bf 0 -bsf:v h264_mp4toannexb -f h264 \"{video}\"");
            Ffmpeg($"-f lavfi -i sine=frequency=440 -t 10 -c:a libopus -b:a 32k \"{audio}\"");
            double mbps = (new FileInfo(video).Length + new FileInfo(audio).Length) * 8 / 10.0 / 1e6;
            Console.WriteLine($"   media: 640x480 30 fps H.264 + Opus, {mbps:0.00} Mbit/s, looped");
            Console.WriteLine("   sessions  recorded/sent video  sessions ok  CPU ingest+emulator (% of one core per session)  peak memory ingest+emulator (MiB per session)");

            foreach (int n in loads)
            {
                var info = new LocalEmulatorStartInfo(cli) { DataDirectory = Path.Combine(work, "data-" + n), ReadyTimeout = TimeSpan.FromSeconds(60) };
                for (int i = 0; i < n; i++) info.StorageChannels.Add($"load{i}");
                var emulator = await LocalEmulator.StartAsync(info, default);
                try
                {
                    using var emulatorProcess = Process.GetProcessById(emulator.ProcessId);
                    var self = Process.GetCurrentProcess();
                    var cpuSelf = self.TotalProcessorTime;
                    var cpuEmulator = emulatorProcess.TotalProcessorTime;
                    // The kernel's peak RSS, reset for this run: sampling /proc from here would cost this process CPU
                    // (each read lists every thread) that would then be counted as the ingests'.
                    PeakRss.Reset(self.Id);
                    PeakRss.Reset(emulatorProcess.Id);
                    var wall = Stopwatch.StartNew();
                    // Steady state: every session streaming (they connect within seconds), none yet stopping.
                    var steady = SteadyCpuAsync(self, emulatorProcess, duration);
                    var results = await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
                    {
                        var connection = KvsConnection.Create(new AwsConnectionOptions
                        {
                            AccessKey = emulator.AccessKey, SecretKey = emulator.SecretKey, Region = emulator.Region, EndpointUrl = emulator.EndpointUrl,
                            Timeout = TimeSpan.FromSeconds(60),
                        });
                        try
                        {
                            return await IngestSession.RunAsync(connection, new IngestOptions(ChannelReference.FromName($"load{i}"))
                            {
                                Media = new IngestMediaOptions { VideoPath = video, AudioPath = audio, Loop = true },
                                Duration = duration,
                                LoopbackOnly = true,
                                OfferTimeout = TimeSpan.FromSeconds(15),
                            });
                        }
                        catch (IngestFailedException e)
                        {
                            return e.Result;
                        }
                    }));
                    wall.Stop();
                    await Task.Delay(2000); // storage sessions finish their files
                    long peakSelf = PeakRss.Read(self.Id), peakEmulator = PeakRss.Read(emulatorProcess.Id);
                    double cpu = ((self.TotalProcessorTime - cpuSelf) + (emulatorProcess.TotalProcessorTime - cpuEmulator)).TotalSeconds;
                    double cpuIngestShare = (self.TotalProcessorTime - cpuSelf).TotalSeconds / cpu;
                    long recorded = await RecordedVideoFramesAsync(emulator.EndpointUrl);
                    long sent = results.Sum(r => r.VideoFramesSent);
                    int ok = results.Count(r => r.EndReason == IngestEndReason.DurationReached);
                    double perSession = cpu / wall.Elapsed.TotalSeconds / n * 100;
                    Console.WriteLine($"   {n,8}  {recorded,8}/{sent,-8} {(sent == 0 ? 0 : 100.0 * recorded / sent),5:0.0}%  {ok,5}/{n,-5}  " +
                        $"{perSession,6:0.0}% ({cpuIngestShare * 100:0}% ingest side)                      " +
                        $"{peakSelf / 1048576.0,6:0}+{peakEmulator / 1048576.0,-6:0} ({(peakSelf + peakEmulator) / 1048576.0 / n:0.0})");
                    var (ingestSteady, emulatorSteady, from, to) = await steady;
                    Console.WriteLine($"             ingest side per session: {(self.TotalProcessorTime - cpuSelf).TotalSeconds / wall.Elapsed.TotalSeconds / n * 100:0.00}% " +
                        $"of a core over the whole run (connecting included), {ingestSteady / n * 100:0.00}% in steady state ({from:0}-{to:0} s; " +
                        $"emulator {emulatorSteady / n * 100:0.00}%)");
                    foreach (var failed in results.Where(r => r.EndReason != IngestEndReason.DurationReached).Take(3))
                        Console.WriteLine($"             e.g. {failed.EndReason}: {failed.Error}");
                }
                finally
                {
                    await emulator.StopAsync(TimeSpan.FromSeconds(30));
                }
            }
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }

        /// <summary>Cores the ingest side and the emulator use between half and nine tenths of a load run's duration.</summary>
        private static async Task<(double Ingest, double Emulator, double From, double To)> SteadyCpuAsync(Process self, Process emulator, TimeSpan duration)
        {
            await Task.Delay(duration / 2);
            var wall = Stopwatch.StartNew();
            TimeSpan ingestBefore = self.TotalProcessorTime, emulatorBefore = emulator.TotalProcessorTime;
            await Task.Delay(duration * 0.4);
            double seconds = wall.Elapsed.TotalSeconds;
            return ((self.TotalProcessorTime - ingestBefore).TotalSeconds / seconds, (emulator.TotalProcessorTime - emulatorBefore).TotalSeconds / seconds,
                duration.TotalSeconds / 2, duration.TotalSeconds * 0.9);
        }

        private static async Task<long> RecordedVideoFramesAsync(string endpoint)
        {
            using var http = new HttpClient();
            var body = await http.PostAsync(endpoint + "/_emulator/status", new StringContent("{}"));
            using var status = JsonDocument.Parse(await body.Content.ReadAsStringAsync());
            return status.RootElement.GetProperty("StorageSessions").EnumerateArray().Sum(s => s.GetProperty("VideoFrames").GetInt64());
        }

        private static double Percentile(List<double> values, double p)
        {
            var sorted = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToList();
            if (sorted.Count == 0) return double.NaN;
            return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p / 100 * sorted.Count) - 1)];
        }

        private static void Ffmpeg(string arguments)
        {
            using var process = Process.Start(new ProcessStartInfo("ffmpeg", "-hide_banner -nostdin -y -v error " + arguments) { RedirectStandardError = true })!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("ffmpeg failed: " + errors);
        }
    }
}
