using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Gcc
{
    /// <summary>A burst's dispersion through a bottleneck measures the bottleneck; nothing else does.</summary>
    public class BurstDispersionProbeTests
    {
        /// <summary>Sends <paramref name="packets"/> of 1200 bytes at <paramref name="sendRate"/> from <paramref name="startMicros"/>.</summary>
        private static List<PacketResult> Burst(SimulatedBottleneck link, long startMicros, int packets, long sendRate)
        {
            var results = new List<PacketResult>();
            for (int i = 0; i < packets; i++) results.Add(link.Send(startMicros + i * 1200L * 8 * 1_000_000 / sendRate, 1200));
            return results;
        }

        [Theory]
        [InlineData(1_500_000)]
        [InlineData(800_000)]
        [InlineData(4_000_000)]
        public void AKeyframeBurstThroughASlowerLinkMeasuresTheLink(long linkRate)
        {
            var link = new SimulatedBottleneck(linkRate, bufferBytes: 1_000_000);
            var probe = new BurstDispersionProbe();
            var keyframe = Burst(link, 0, 80, 10_000_000);
            Assert.Null(probe.OnFeedback(keyframe.Take(10).ToList())); // too little of it seen yet
            long? capacity = probe.OnFeedback(keyframe.Skip(10).ToList());
            Assert.NotNull(capacity);
            Assert.InRange(capacity!.Value, linkRate * 0.95, linkRate * 1.05);
            Assert.Equal(1, probe.Samples);
            // Measured once: more of the same burst, and the frame after it, add nothing.
            Assert.Null(probe.OnFeedback(Burst(link, 500_000, 3, 10_000_000)));
        }

        [Fact]
        public void ABurstTheLinkCarriesAtItsOwnPaceMeasuresNothing()
        {
            var probe = new BurstDispersionProbe();
            Assert.Null(probe.OnFeedback(Burst(new SimulatedBottleneck(50_000_000), 0, 100, 10_000_000)));
            Assert.Null(probe.OnFeedback(Burst(new SimulatedBottleneck(50_000_000), 1_000_000, 5, 10_000_000)));
            Assert.Equal(0, probe.Samples);
        }

        [Fact]
        public void ATokenBucketsFreeHeadIsNotTakenForTheLinksRate()
        {
            // 30 kB pass at line rate (a tc tbf burst), the rest at 1.5 Mbit/s: the tail tells the rate.
            var probe = new BurstDispersionProbe();
            var results = new List<PacketResult>();
            long free = 30_000, clock = 0;
            for (int i = 0; i < 80; i++)
            {
                long send = i * 1000L;
                if (free >= 1200)
                {
                    free -= 1200;
                    clock = send + 100;
                }
                else clock = Math.Max(clock, send) + 1200L * 8 * 1_000_000 / 1_500_000;
                results.Add(new PacketResult(send, clock, 1200));
            }
            long? capacity = probe.OnFeedback(results);
            Assert.InRange(capacity ?? 0, 1_400_000, 1_600_000);
        }

        [Fact]
        public void AStallAtTheReceiverIsNotALink()
        {
            // A fast link, but the receiver read one stretch of the tail 40 ms late: one quarter spread, not both.
            var results = Burst(new SimulatedBottleneck(50_000_000), 0, 80, 10_000_000);
            for (int i = 50; i < 80; i++) results[i] = new PacketResult(results[i].SendMicroseconds, results[i].ArrivalMicroseconds + 40_000, 1200);
            Assert.Null(new BurstDispersionProbe().OnFeedback(results));
        }

        [Fact]
        public void SmallBurstsLostPacketsAndHostileTimesMeasureNothingAndNeverThrow()
        {
            var probe = new BurstDispersionProbe();
            Assert.Null(probe.OnFeedback(new List<PacketResult>()));
            Assert.Null(probe.OnFeedback(Burst(new SimulatedBottleneck(500_000), 0, 12, 10_000_000))); // under 20 packets
            Assert.Null(probe.OnFeedback(Enumerable.Range(0, 100).Select(i => new PacketResult(2_000_000 + i, -1, 1200)).ToList()));
            Assert.Null(probe.OnFeedback(Enumerable.Range(0, 100).Select(i => new PacketResult(3_000_000 + i, 7, 1200)).ToList())); // all at once
            var random = new Random(7);
            for (int round = 0; round < 200; round++)
            {
                var results = Enumerable.Range(0, random.Next(0, 600))
                    .Select(_ => new PacketResult(random.Next(-1000, 1_000_000) + round * 2_000_000L, random.Next(-2, 1 << 30), random.Next(0, 1500))).ToList();
                long? capacity = probe.OnFeedback(results);
                if (capacity != null) Assert.True(capacity >= 0);
            }
        }

        [Fact]
        public void TheDelayEstimateFallsBelowTheLinkOnTheFirstKeyframeInsteadOfAfterSecondsOfOveruse()
        {
            var estimator = new DelayBasedBandwidthEstimator(3_000_000, 100_000, 50_000_000);
            var link = new SimulatedBottleneck(1_500_000, bufferBytes: 1_000_000);
            var keyframe = Burst(link, 0, 80, 7_500_000); // 96 kB paced at 2.5 times the start estimate
            estimator.OnFeedback(keyframe.Where(p => p.ArrivalMicroseconds <= 400_000).ToList(), TimeSpan.FromMilliseconds(50), 400);
            Assert.InRange(estimator.Estimate, 1_100_000, 1_400_000);
            Assert.InRange(estimator.LinkCapacity ?? 0, 1_400_000, 1_600_000);
            Assert.Equal(1, estimator.BurstsMeasured);
        }
    }
}
