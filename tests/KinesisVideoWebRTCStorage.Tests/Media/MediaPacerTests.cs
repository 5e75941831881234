using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    /// <summary>
    /// Pacing decisions are checked against a virtual clock, so they hold however busy the machine is; real-clock
    /// lateness is measured by bench/media.sh.
    /// </summary>
    public class MediaPacerTests
    {
        [Fact]
        public async Task ReleasesEachFrameWhenTheClockReachesItsTimestamp()
        {
            var clock = new VirtualClock(TimeSpan.FromSeconds(1000));
            using var pacer = new MediaPacer(await TestPattern.OpenAsync(passes: 1), clock: clock);
            var start = clock.Now;
            TimeSpan? first = null;
            int frames = 0;
            while (await pacer.ReadFrameAsync() is { } frame)
            {
                first ??= frame.Timestamp;
                Assert.Equal(frame.Timestamp - first.Value, clock.Now - start);
                Assert.Equal(TimeSpan.Zero, pacer.LastLateness);
                frames++;
            }
            Assert.Equal(60 + 100, frames);
            Assert.Equal(frames, clock.Waits.Count);
            Assert.All(clock.Waits, due => Assert.True(due >= start));
            Assert.InRange(clock.Now - start, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2));
        }

        [Fact]
        public async Task ALateConsumerGetsFramesAtOnceAndTheScheduleDoesNotDrift()
        {
            var clock = new VirtualClock(TimeSpan.Zero);
            using var pacer = new MediaPacer(await TestPattern.OpenAsync(passes: 1), clock: clock);
            var first = (await pacer.ReadFrameAsync())!.Value.Timestamp;
            clock.Advance(TimeSpan.FromMilliseconds(500)); // the consumer stalls for half a second
            var late = new List<(TimeSpan Timestamp, TimeSpan Lateness)>();
            while (await pacer.ReadFrameAsync() is { } frame && frame.Timestamp - first < TimeSpan.FromSeconds(1))
                late.Add((frame.Timestamp - first, pacer.LastLateness));

            foreach (var (timestamp, lateness) in late)
            {
                var expected = timestamp < TimeSpan.FromMilliseconds(500) ? TimeSpan.FromMilliseconds(500) - timestamp : TimeSpan.Zero;
                Assert.Equal(expected, lateness);
            }
            Assert.Contains(late, f => f.Lateness > TimeSpan.Zero);
            Assert.Contains(late, f => f.Timestamp > TimeSpan.FromMilliseconds(500) && f.Lateness == TimeSpan.Zero);
        }

        [Fact]
        public async Task NotRealTimeNeverConsultsTheClock()
        {
            using var pacer = new MediaPacer(await TestPattern.OpenAsync(passes: 10), realTime: false, clock: new UnusableClock());
            int frames = 0;
            while (await pacer.ReadFrameAsync() != null) frames++;
            Assert.Equal(10 * (60 + 100), frames);
        }

        [Fact]
        public async Task CancellationStopsAWait()
        {
            using var pacer = new MediaPacer(await TestPattern.OpenAsync(), clock: new StoppedClock());
            await pacer.ReadFrameAsync();
            using var cts = new CancellationTokenSource();
            var reading = pacer.ReadFrameAsync(cts.Token).AsTask();
            Assert.False(reading.IsCompleted);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        }

        [Fact]
        public async Task TheMonotonicClockIsNeverEarlyAndHonoursCancellation()
        {
            var clock = PacingClock.Monotonic;
            var due = clock.Now + TimeSpan.FromMilliseconds(30);
            await clock.WaitUntilAsync(due, default);
            Assert.True(clock.Now >= due);

            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => clock.WaitUntilAsync(clock.Now + TimeSpan.FromHours(1), cts.Token).AsTask());
        }

        [Fact]
        public async Task TheMonotonicClockContinuesOnItsPacingThreadsOneSessionStayingOnOne()
        {
            var clock = PacingClock.NewMonotonicClock(); // not the shared one, which other tests' sessions keep busy
            // Eight sessions' pumps, each waiting three times: every continuation runs on a pacing thread, never the
            // pool, each session keeps the thread it started on, and the sessions are dealt over one thread per core.
            // ConfigureAwait(false) is the point here: the test's own synchronization context would move the
            // continuation off the thread being observed.
#pragma warning disable xUnit1030
            var sessions = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                var threads = new List<(string? Name, bool Pool, int Id)>();
                for (int frame = 0; frame < 3; frame++)
                {
                    await clock.WaitUntilAsync(clock.Now + TimeSpan.FromMilliseconds(10), default).ConfigureAwait(false);
                    threads.Add((Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread, Environment.CurrentManagedThreadId));
                }
                return threads;
            }));
#pragma warning restore xUnit1030
            Assert.All(sessions.SelectMany(t => t), t => Assert.Equal(("Media pacing", false), (t.Name, t.Pool)));
            Assert.All(sessions, threads => Assert.Single(threads.Select(t => t.Id).Distinct()));
            Assert.Equal(Math.Min(Environment.ProcessorCount, 8), sessions.Select(t => t[0].Id).Distinct().Count());

            // A cancelled wait never continues inside the code that cancelled it.
            using var cts = new CancellationTokenSource();
            var waiting = clock.WaitUntilAsync(clock.Now + TimeSpan.FromHours(1), cts.Token).AsTask();
            var continued = waiting.ContinueWith(_ => Environment.CurrentManagedThreadId, TaskContinuationOptions.ExecuteSynchronously);
            var canceller = new Thread(() => cts.Cancel()); // not a pool thread, so the pool cannot run the continuation on it later
            canceller.Start();
            canceller.Join();
            Assert.NotEqual(canceller.ManagedThreadId, await continued);
            Assert.True(waiting.IsCanceled);
        }

        /// <summary>A clock that jumps to each due time instead of waiting for it.</summary>
        private sealed class VirtualClock : PacingClock
        {
            private TimeSpan _now;
            public VirtualClock(TimeSpan start) => _now = start;
            public List<TimeSpan> Waits { get; } = new List<TimeSpan>();
            public override TimeSpan Now => _now;
            public void Advance(TimeSpan by) => _now += by;

            public override ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
            {
                Waits.Add(due);
                if (due > _now) _now = due;
                return default;
            }
        }

        /// <summary>A clock whose time never comes.</summary>
        private sealed class StoppedClock : PacingClock
        {
            public override TimeSpan Now => TimeSpan.Zero;
            public override async ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken)
            {
                if (due > Now) await Task.Delay(Timeout.Infinite, cancellationToken);
            }
        }

        private sealed class UnusableClock : PacingClock
        {
            public override TimeSpan Now => throw new InvalidOperationException("not real time: the clock must not be read");
            public override ValueTask WaitUntilAsync(TimeSpan due, CancellationToken cancellationToken) => throw new InvalidOperationException("not real time: no waits");
        }
    }
}
