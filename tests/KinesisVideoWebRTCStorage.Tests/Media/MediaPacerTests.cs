using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    [Collection(MediaTimingCollection.Name)]
    public class MediaPacerTests
    {
        [Fact]
        public async Task ReleasesFramesAtTheirTimestamps()
        {
            using var pacer = new MediaPacer(await TestPattern.OpenAsync());
            var clock = Stopwatch.StartNew();
            var lateness = new List<double>();
            TimeSpan first = TimeSpan.MinValue, last = TimeSpan.Zero;
            while (clock.Elapsed < TimeSpan.FromSeconds(1.5) && await pacer.ReadFrameAsync() is { } frame)
            {
                if (first == TimeSpan.MinValue)
                {
                    first = frame.Timestamp;
                    clock.Restart();
                }
                last = frame.Timestamp;
                lateness.Add(pacer.LastLateness.TotalMilliseconds);
                // Never early: the wall clock has reached the frame's timestamp.
                Assert.True(clock.Elapsed >= last - first - TimeSpan.FromMilliseconds(0.5), $"frame at {last} released at {clock.Elapsed}");
            }
            Assert.InRange((last - first).TotalSeconds, 1.4, 1.55);
            lateness.Sort();
            Assert.True(lateness[lateness.Count / 2] < 5, $"median lateness {lateness[lateness.Count / 2]} ms");
        }

        [Fact]
        public async Task RunsAsFastAsPossibleWhenNotRealTime()
        {
            using var pacer = new MediaPacer(await TestPattern.OpenAsync(passes: 10), realTime: false);
            var clock = Stopwatch.StartNew();
            int frames = 0;
            while (await pacer.ReadFrameAsync() != null) frames++;
            Assert.Equal(10 * (60 + 100), frames);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"20 s of media took {clock.Elapsed}");
        }

        [Fact]
        public async Task CancellationStopsAWait()
        {
            using var pacer = new MediaPacer(await TestPattern.OpenAsync());
            await pacer.ReadFrameAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                while (true) await pacer.ReadFrameAsync(cts.Token);
            });
            Assert.InRange(clock.Elapsed.TotalMilliseconds, 90, 400);
        }
    }
}
