using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.Matroska;

namespace KinesisVideoWebRTCStorage.Bench.Media
{
    /// <summary>
    /// Usage: Bench.Media [pacing seconds (default 10)] [big file seconds (default 120)] [work directory]
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
            double pacingSeconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
            int bigSeconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 120;
            string work = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "kvs-bench-media");
            Directory.CreateDirectory(work);

            await PacingAsync(streams: 2, pacingSeconds);
            await DemuxThroughputAsync(work, bigSeconds);
            return 0;
        }

        /// <summary>Paces the test pattern on several concurrent streams; reports lateness and CPU per stream.</summary>
        private static async Task PacingAsync(int streams, double seconds)
        {
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var results = await Task.WhenAll(Enumerable.Range(0, streams).Select(_ => Task.Run(() => PaceOneAsync(seconds))));
            wall.Stop();
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;

            var lateness = results.SelectMany(r => r).OrderBy(x => x).ToArray();
            Console.WriteLine($"pacing: {streams} concurrent test-pattern streams for {seconds:F0} s, {lateness.Length} frames");
            Console.WriteLine($"pacing: lateness (release time - timestamp) p50 {Percentile(lateness, 0.50):F3} ms, p99 {Percentile(lateness, 0.99):F3} ms, max {lateness[^1]:F3} ms (target p99 < 5 ms)");
            Console.WriteLine($"pacing: CPU {cpu / wall.Elapsed.TotalSeconds / streams * 100:F2} % of one core per paced stream");
        }

        private static async Task<List<double>> PaceOneAsync(double seconds)
        {
            var lateness = new List<double>();
            using var pacer = new MediaPacer(await TestPattern.OpenAsync());
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds && await pacer.ReadFrameAsync() != null) lateness.Add(pacer.LastLateness.TotalMilliseconds);
            return lateness;
        }

        private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

        /// <summary>Demuxes a large ffmpeg-made Matroska file and compares with ffmpeg's own demux-and-copy.</summary>
        private static async Task DemuxThroughputAsync(string work, int seconds)
        {
            string big = Path.Combine(work, $"big-{seconds}s.mkv");
            if (!File.Exists(big))
            {
                Run("ffmpeg", $"-hide_banner -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 -t {seconds} " +
                    $"-c:v libx264 -preset ultrafast -b:v 6M -g 60 -bf 0 -c:a libopus -b:a 64k \"{big}\"");
            }
            double megabytes = new FileInfo(big).Length / 1e6;
            string tiny = Path.Combine(work, "tiny.mkv");
            if (!File.Exists(tiny)) Run("ffmpeg", $"-hide_banner -v error -y -f lavfi -i testsrc2=size=64x64:rate=1 -t 1 -c:v libx264 \"{tiny}\"");

            // Warm the page cache and the JIT, then time the best of three.
            await DemuxAllAsync(big);
            double ours = double.MaxValue;
            (int Count, long Bytes) frames = default;
            long allocated = 0;
            for (int i = 0; i < 3; i++)
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                frames = await DemuxAllAsync(big);
                ours = Math.Min(ours, clock.Elapsed.TotalSeconds);
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            }
            double theirs = BestOfThree(() => Run("ffmpeg", $"-hide_banner -v error -f matroska -i \"{big}\" -c copy -f null -"));
            // ffmpeg's time includes starting a process; a run on a tiny file measures that to set it apart.
            double startup = BestOfThree(() => Run("ffmpeg", $"-hide_banner -v error -f matroska -i \"{tiny}\" -c copy -f null -"));
            double theirsDemux = Math.Max(theirs - startup, 1e-3);
            Console.WriteLine($"demux: {megabytes:F1} MB, {frames.Count} frames, {frames.Bytes / 1e6:F1} MB of payload ({seconds} s of 720p30 H.264 6 Mb/s + Opus)");
            Console.WriteLine($"demux: ours {megabytes / ours:F0} MB/s ({ours * 1000:F1} ms); ffmpeg -c copy -f null {megabytes / theirs:F0} MB/s ({theirs * 1000:F0} ms, " +
                $"of which {startup * 1000:F0} ms is process start-up, so {megabytes / theirsDemux:F0} MB/s without it)");
            Console.WriteLine($"demux: {allocated / 1024.0:F0} KB allocated per pass, {(double)allocated / frames.Count:F1} bytes per frame");
            Console.WriteLine($"demux: ratio ours/ffmpeg {theirs / ours:F2} (whole run), {theirsDemux / ours:F2} (start-up excluded)");
        }

        private static double BestOfThree(Action run)
        {
            double best = double.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                run();
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            return best;
        }

        private static async Task<(int Count, long Bytes)> DemuxAllAsync(string path)
        {
            using var demuxer = await MatroskaDemuxer.OpenAsync(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: false));
            int frames = 0;
            long bytes = 0;
            while (await demuxer.ReadFrameAsync() is { } frame)
            {
                frames++;
                bytes += frame.Payload.Length;
            }
            return (frames, bytes);
        }

        private static void Run(string tool, string arguments)
        {
            using var process = Process.Start(new ProcessStartInfo(tool, arguments) { UseShellExecute = false, RedirectStandardError = true })
                ?? throw new InvalidOperationException($"{tool} did not start");
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} {arguments} failed: {stderr}");
        }
    }
}
