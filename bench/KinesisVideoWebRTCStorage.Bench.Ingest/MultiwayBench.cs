using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Hosting;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Viewer;

namespace KinesisVideoWebRTCStorage.Bench.Ingest
{
    /// <summary>
    /// The emulator's multi-party storage session under load: the CPU of the emulator process while one master streams
    /// the test pattern alone, and then while N viewers each speak a tone and receive the master's video and the mix
    /// (issue 12: 1 master and 10 viewers within one core).
    /// </summary>
    internal static class MultiwayBench
    {
        public static async Task RunAsync(string cli, int viewers, TimeSpan duration)
        {
            Console.WriteLine();
            Console.WriteLine($"== The emulator's multi-party storage session: one master, then the master and {viewers} viewers, {duration.TotalSeconds:0} s each");
            var info = new LocalEmulatorStartInfo(cli)
            {
                DataDirectory = Path.Combine(Path.GetTempPath(), "kvs-bench-multiway-" + Environment.ProcessId),
                ReadyTimeout = TimeSpan.FromSeconds(60),
                MaxViewers = viewers,
            };
            info.StorageChannels.Add("alone");
            info.StorageChannels.Add("party");
            var emulator = await LocalEmulator.StartAsync(info, default);
            try
            {
                using var process = Process.GetProcessById(emulator.ProcessId);
                KvsConnection Connect() => KvsConnection.Create(new AwsConnectionOptions
                {
                    AccessKey = emulator.AccessKey, SecretKey = emulator.SecretKey, Region = emulator.Region, EndpointUrl = emulator.EndpointUrl,
                    Timeout = TimeSpan.FromSeconds(60),
                });
                IngestOptions Master(string channel, TimeSpan length) => new IngestOptions(ChannelReference.FromName(channel))
                {
                    Duration = length, LoopbackOnly = true, OfferTimeout = TimeSpan.FromSeconds(15),
                };

                // The reference: the master alone, measured over its steady middle.
                var alone = IngestSession.RunAsync(Connect(), Master("alone", duration + TimeSpan.FromSeconds(4)));
                await Task.Delay(TimeSpan.FromSeconds(2));
                double aloneCpu = await CpuAsync(process, duration);
                await alone;

                // The master and the viewers, measured once every viewer has joined.
                var master = IngestSession.RunAsync(Connect(), Master("party", duration + TimeSpan.FromSeconds(20)));
                await Task.Delay(TimeSpan.FromSeconds(2));
                var joined = Enumerable.Range(0, viewers).Select(i => ViewerSession.RunAsync(Connect(), new ViewerOptions(ChannelReference.FromName("party"), "viewer-" + i)
                {
                    Tone = true, LoopbackOnly = true, Duration = duration + TimeSpan.FromSeconds(8), OfferTimeout = TimeSpan.FromSeconds(15),
                })).ToList();
                await Task.Delay(TimeSpan.FromSeconds(6));
                double partyCpu = await CpuAsync(process, duration);
                var results = await Task.WhenAll(joined);
                await master;
                double expectedFrames = (duration.TotalSeconds + 8) * 30;
                int served = results.Count(r => r.EndReason == ViewerEndReason.DurationReached && r.VideoFramesReceived >= 0.8 * expectedFrames && r.AudioFramesReceived > 0);
                Console.WriteLine($"   emulator CPU, master alone:              {aloneCpu * 100,6:0.0}% of a core");
                Console.WriteLine($"   emulator CPU, master and {viewers,2} viewers:     {partyCpu * 100,6:0.0}% of a core (target <= 100%: {(partyCpu <= 1 ? "met" : "NOT met")})");
                Console.WriteLine($"   viewers served whole (video >= 80%, audio heard): {served}/{viewers}; video frames received {results.Min(r => r.VideoFramesReceived)}-{results.Max(r => r.VideoFramesReceived)}");
            }
            finally
            {
                await emulator.StopAsync(TimeSpan.FromSeconds(30));
            }
        }

        private static async Task<double> CpuAsync(Process process, TimeSpan duration)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            await Task.Delay(duration);
            process.Refresh();
            return (process.TotalProcessorTime - before).TotalSeconds / wall.Elapsed.TotalSeconds;
        }
    }
}
