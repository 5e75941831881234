using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtcp
{
    public class TransportLayerCcTests
    {
        // Assembled by hand from the draft's figures (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1):
        //   8FCD0009           V=2 P=0 FMT=15, PT=205, 9 words follow
        //   00003333 00001111  sender and media SSRCs
        //   FFFD 0020          base sequence 65533, 32 statuses (65533 to 28, wrapping)
        //   00000F 07          reference time 15 (960 ms), feedback count 7
        //   D291               2-bit vector: small, lost, large, large, small, lost, small (65533-3)
        //   0014               run of 20 lost (4-23)
        //   D150               2-bit vector of 5: small, lost, small, small, small (24-28)
        //   A0 FFFC 0100 02 04 B6 01 00 01   deltas in 250 µs: 160, -4, 256, 2, 4, 182, 1, 0, 1
        //   000000             zero padding to 32 bits
        private const string HandBuilt = "8FCD0009 00003333 00001111 FFFD0020 00000F07 D2910014 D150A0FF FC010002 04B60100 01000000";

        // The arrivals those bytes carry, in µs, -1 for lost: index i is sequence number 65533 + i.
        private static readonly long[] HandBuiltArrivals = new long[] { 1_000_000, -1, 999_000, 1_063_000, 1_063_500, -1, 1_064_500 }
            .Concat(Enumerable.Repeat(-1L, 20))
            .Concat(new long[] { 1_110_000, -1, 1_110_250, 1_110_250, 1_110_500 })
            .ToArray();

        // libwebrtc-style: a run of 3 received (0x2003), a 1-bit vector with the first and last of 14 received (0xA001),
        // reference time -1 (0xFFFFFF), feedback count 255, five 1-byte deltas, and padding by the P bit (00 00 03).
        private const string PaddedOneBit = "AFCD0007 00000001 00000002 00050011 FFFFFFFF 2003A001 01020304 05000003";

        private static long[] Arrivals(TransportLayerCc feedback) =>
            feedback.Packets.Select(p => p.Received ? p.ArrivalMicroseconds : -1).ToArray();

        private static TransportLayerCc Reparse(TransportLayerCc feedback)
        {
            var bytes = feedback.ToArray();
            var read = Assert.IsType<TransportLayerCc>(Assert.Single(RtcpCompoundPacket.Parse(bytes)));
            // Writing what was read gives the same bytes, which compares every field and chunk.
            Assert.Equal(bytes, read.ToArray());
            return read;
        }

        [Fact]
        public void ParsesHandBuiltVector()
        {
            var feedback = Assert.IsType<TransportLayerCc>(Assert.Single(RtcpCompoundPacket.Parse(Hex.Parse(HandBuilt))));
            Assert.Equal(0x3333u, feedback.SenderSsrc);
            Assert.Equal(0x1111u, feedback.MediaSsrc);
            Assert.Equal(65533, feedback.BaseSequenceNumber);
            Assert.Equal(32, feedback.PacketStatusCount);
            Assert.Equal(15, feedback.ReferenceTime);
            Assert.Equal(7, feedback.FeedbackPacketCount);
            Assert.Equal(HandBuiltArrivals, Arrivals(feedback));
            Assert.Equal(Enumerable.Range(0, 32).Select(i => (ushort)(65533 + i)), feedback.Packets.Select(p => p.SequenceNumber));
            Assert.Equal(0, feedback.Packets[3].SequenceNumber);
            Assert.Equal(0, feedback.Packets[1].ArrivalMicroseconds);
        }

        [Fact]
        public void CreateWritesHandBuiltVector()
        {
            var feedback = TransportLayerCc.Create(0x3333, 0x1111, 7, 65533, HandBuiltArrivals);
            Assert.Equal(32, feedback.PacketStatusCount);
            Assert.Equal(Hex.Parse(HandBuilt), feedback.ToArray());
            Assert.Equal(HandBuiltArrivals, Arrivals(feedback));
        }

        [Fact]
        public void ParsesPaddedOneBitVectorWithNegativeReferenceTime()
        {
            var feedback = Assert.IsType<TransportLayerCc>(Assert.Single(RtcpCompoundPacket.Parse(Hex.Parse(PaddedOneBit))));
            Assert.Equal(-1, feedback.ReferenceTime);
            Assert.Equal(255, feedback.FeedbackPacketCount);
            Assert.Equal(17, feedback.PacketStatusCount);
            var expected = new long[17];
            for (int i = 0; i < 17; i++) expected[i] = -1;
            expected[0] = -64_000 + 250;
            expected[1] = expected[0] + 500;
            expected[2] = expected[1] + 750;
            expected[3] = expected[2] + 1000;
            expected[16] = expected[3] + 1250;
            Assert.Equal(expected, Arrivals(feedback));
            Assert.Equal(21, feedback.Packets[16].SequenceNumber);
            // Written back with zero padding inside the body instead of the padding bit; the chunks are kept as they came.
            Assert.Equal(Hex.Parse("8FCD0007 00000001 00000002 00050011 FFFFFFFF 2003A001 01020304 05000000"), feedback.ToArray());
        }

        [Fact]
        public void SeedCorpusHoldsBothVectors()
        {
            var packets = RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", "twcc"));
            Assert.Equal(2, packets.Count);
            Assert.Equal(Hex.Parse(HandBuilt), packets[0].ToArray());
            Assert.Equal(17, Assert.IsType<TransportLayerCc>(packets[1]).PacketStatusCount);
        }

        [Fact]
        public void RoundTripsLossesAndSmallLargeAndNegativeDeltasAcrossTheSequenceWrap()
        {
            long[] arrivals =
            {
                5_000_000, 5_000_250, -1, 5_010_000, 4_990_000, -1, -1, 5_100_000, 5_100_000, 5_099_750,
                -1, 5_200_000, 5_200_000 + 32_767 * 250L, 5_200_000 + 32_767 * 250L - 32_768 * 250L, -1,
            };
            var created = TransportLayerCc.Create(9, 10, 200, 65530, arrivals);
            Assert.Equal(arrivals.Length, created.PacketStatusCount);
            Assert.Equal(arrivals, Arrivals(created));
            var read = Reparse(created);
            Assert.Equal(arrivals, Arrivals(read));
            Assert.Equal(created.Packets.ToArray(), read.Packets.ToArray());
            Assert.Equal(new ushort[] { 65530, 65531, 65532, 65533, 65534, 65535, 0, 1 }, read.Packets.Take(8).Select(p => p.SequenceNumber));
            Assert.Equal(5_000_000 / 64_000, read.ReferenceTime);
            Assert.Equal(200, read.FeedbackPacketCount);
        }

        [Fact]
        public void RunsAreRunLengthChunks()
        {
            var arrivals = new List<long>();
            for (int i = 0; i < 100; i++) arrivals.Add(i * 1000L);
            arrivals.AddRange(Enumerable.Repeat(-1L, 10_000));
            for (int i = 0; i < 100; i++) arrivals.Add(2_099_000 + i * 1000L);
            var feedback = TransportLayerCc.Create(1, 2, 0, 100, arrivals);
            Assert.Equal(10_200, feedback.PacketStatusCount);
            // Chunks: run of 100 small, runs of 8191 and 1809 lost, a 2-bit vector (the large gap delta and 6 small), run of
            // 93 small: 10 bytes. Deltas: 100 + 2 + 99. 16 + 10 + 201 = 227, padded to 228, plus the header.
            Assert.Equal(232, feedback.Length);
            Assert.Equal(arrivals, Arrivals(Reparse(feedback)));
        }

        [Fact]
        public void MixedStatusesUseOneBitVectors()
        {
            // Alternating received and lost, small deltas only: 14 statuses per chunk.
            var arrivals = Enumerable.Range(0, 28).Select(i => i % 2 == 0 ? i * 1000L : -1).ToArray();
            var feedback = TransportLayerCc.Create(1, 2, 0, 0, arrivals);
            // 16 + two chunks + 14 one-byte deltas = 34, padded to 36.
            Assert.Equal(40, feedback.Length);
            Assert.Equal(arrivals, Arrivals(Reparse(feedback)));
        }

        [Theory]
        [InlineData(32_767 * 250L + 124, 3)] // rounds to 32767 ticks: fits
        [InlineData(32_767 * 250L + 125, 1)] // rounds to 32768: the packet stops before it
        public void StopsBeforeADeltaBeyondSixteenBits(long second, int expected)
        {
            var feedback = TransportLayerCc.Create(1, 2, 0, 0, new[] { 0, second, second + 1000 });
            Assert.Equal(expected, feedback.PacketStatusCount);
            Assert.Equal(expected, Reparse(feedback).Packets.Count);
        }

        [Fact]
        public void StopsBeforeANegativeDeltaBeyondSixteenBitsAndTheRestFollows()
        {
            long first = 20_000_000, second = first - 32_768 * 250L, third = second - 32_769 * 250L;
            var arrivals = new[] { first, second, -1, third, third + 500 };
            var feedback = TransportLayerCc.Create(1, 2, 0, 65535, arrivals);
            Assert.Equal(3, feedback.PacketStatusCount); // the loss before the cut is reported here
            Assert.Equal(arrivals.Take(3), Arrivals(Reparse(feedback)));
            var rest = TransportLayerCc.Create(1, 2, 1, unchecked((ushort)(65535 + 3)), new ArraySegment<long>(arrivals, 3, 2));
            Assert.Equal(2, rest.PacketStatusCount);
            Assert.Equal(2, rest.BaseSequenceNumber);
            Assert.Equal(arrivals.Skip(3), Arrivals(Reparse(rest)));
        }

        [Fact]
        public void StopsAtTwelveHundredBytesAndTheRestFollows()
        {
            // 64 ms apart: 256 ticks, a large delta each after the first (0 ticks, small).
            var arrivals = Enumerable.Range(0, 1000).Select(i => i * 64_000L).ToArray();
            var first = TransportLayerCc.Create(1, 2, 0, 0, arrivals);
            // 16 + a 2-bit vector + a run + 1 + 2 * 587 = 1195, padded to 1196, plus the header.
            Assert.Equal(588, first.PacketStatusCount);
            Assert.Equal(TransportLayerCc.MaxLength, first.Length);
            var packets = new List<TransportLayerCc> { first };
            int taken = first.PacketStatusCount;
            while (taken < arrivals.Length)
            {
                var next = TransportLayerCc.Create(1, 2, (byte)packets.Count, (ushort)taken, new ArraySegment<long>(arrivals, taken, arrivals.Length - taken));
                Assert.True(next.Length <= TransportLayerCc.MaxLength);
                packets.Add(next);
                taken += next.PacketStatusCount;
            }
            Assert.Equal(2, packets.Count);
            var read = packets.Select(Reparse).ToList();
            Assert.Equal(arrivals, read.SelectMany(Arrivals));
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (ushort)i), read.SelectMany(f => f.Packets).Select(p => p.SequenceNumber));
        }

        [Fact]
        public void StopsAtTheMaximumStatusCount()
        {
            var arrivals = new long[20_000];
            for (int i = 1; i < arrivals.Length; i++) arrivals[i] = -1;
            var feedback = TransportLayerCc.Create(1, 2, 0, 0, arrivals);
            Assert.Equal(TransportLayerCc.MaxPacketStatusCount, feedback.PacketStatusCount);
            var read = Reparse(feedback);
            Assert.Equal(16_384, read.Packets.Count(p => !p.Received) + 1);
            Assert.Equal(16_383, read.Packets[16_383].SequenceNumber);
        }

        [Fact]
        public void RoundingDoesNotAccumulate()
        {
            // 333 µs apart is 1.332 ticks: each delta rounds, but counts from the previous encoded arrival.
            var arrivals = Enumerable.Range(0, 1000).Select(i => 7 + i * 333L).ToArray();
            var read = Reparse(TransportLayerCc.Create(1, 2, 0, 0, arrivals));
            Assert.Equal(1000, read.PacketStatusCount);
            for (int i = 0; i < arrivals.Length; i++) Assert.InRange(read.Packets[i].ArrivalMicroseconds - arrivals[i], -125, 125);
        }

        [Theory]
        [InlineData((1L << 23) + 5, -(1 << 23) + 5)] // past the signed range: reads back negative
        [InlineData((1L << 24) + 3, 3)] // a whole wrap
        [InlineData((1L << 23) - 1, (1 << 23) - 1)]
        public void ReferenceTimeWrapsToTwentyFourSignedBits(long referenceTicks, int expected)
        {
            long first = referenceTicks * 64_000 + 1000;
            var feedback = TransportLayerCc.Create(1, 2, 0, 0, new[] { first, first + 500 });
            Assert.Equal(expected, feedback.ReferenceTime);
            // Arrivals are on the wire's clock: what the media sender sees, where only differences count.
            long wire = expected * 64_000L + 1000;
            Assert.Equal(new[] { wire, wire + 500 }, Arrivals(feedback));
            Assert.Equal(new[] { wire, wire + 500 }, Arrivals(Reparse(feedback)));
        }

        [Fact]
        public void RejectsArgumentsThatCannotMakeFeedback()
        {
            Assert.Throws<ArgumentException>(() => TransportLayerCc.Create(1, 2, 0, 0, new long[0]));
            Assert.Throws<ArgumentException>(() => TransportLayerCc.Create(1, 2, 0, 0, new long[] { -1, 5 }));
            Assert.Throws<ArgumentNullException>(() => TransportLayerCc.Create(1, 2, 0, 0, null!));
            Assert.Throws<ArgumentOutOfRangeException>(() => TransportLayerCc.Create(1, 2, 0, 0, new[] { long.MaxValue }));
        }

        [Fact]
        public void IndexerAgreesWithEnumeration()
        {
            var feedback = RtcpCompoundPacket.Parse(Hex.Parse(HandBuilt + PaddedOneBit.Replace(" ", "")));
            foreach (TransportLayerCc packet in feedback)
            {
                var enumerated = packet.Packets.ToList();
                Assert.Equal(enumerated, Enumerable.Range(0, packet.Packets.Count).Select(i => packet.Packets[i]));
                Assert.Throws<ArgumentOutOfRangeException>(() => packet.Packets[packet.Packets.Count]);
                Assert.Throws<ArgumentOutOfRangeException>(() => packet.Packets[-1]);
            }
        }

        [Fact]
        public void WritingOverUsedBufferZeroesThePadding()
        {
            var feedback = TransportLayerCc.Create(0x3333, 0x1111, 7, 65533, HandBuiltArrivals);
            var buffer = Enumerable.Repeat((byte)0xEE, 64).ToArray();
            Assert.Equal(40, feedback.WriteTo(buffer));
            Assert.Equal(Hex.Parse(HandBuilt), buffer.Take(40));
        }

        [Fact]
        public void RandomizedFeedbackRoundTripsWithinHalfATick()
        {
            var random = new Random(8888);
            for (int iteration = 0; iteration < 300; iteration++)
            {
                int count = 1 + random.Next(4000);
                double loss = random.NextDouble() * 0.6;
                var arrivals = new long[count];
                long time = random.Next(0, 1 << 30);
                for (int i = 0; i < count; i++)
                {
                    int kind = random.Next(100);
                    // Mostly a few ms apart, some reordered (earlier), a few jumps past what 16 bits of ticks hold.
                    time += kind < 80 ? random.Next(0, 20_000) : kind < 97 ? -random.Next(0, 50_000) : random.Next(-9_000_000, 9_000_000);
                    if (time < 0) time = random.Next(0, 1000);
                    arrivals[i] = i > 0 && random.NextDouble() < loss ? -1 : time;
                }

                int taken = 0;
                while (taken < count)
                {
                    if (arrivals[taken] < 0)
                    {
                        taken++; // a continuation starts at a received packet
                        continue;
                    }
                    var rest = new ArraySegment<long>(arrivals, taken, count - taken);
                    var feedback = TransportLayerCc.Create(5, 6, (byte)iteration, (ushort)(60_000 + taken), rest);
                    int n = feedback.PacketStatusCount;
                    Assert.InRange(n, 1, rest.Count);
                    Assert.True(feedback.Length <= TransportLayerCc.MaxLength && feedback.Length % 4 == 0);
                    var read = Reparse(feedback);
                    Assert.Equal(feedback.Packets.ToArray(), read.Packets.ToArray());
                    long lastEncoded = 0;
                    for (int i = 0; i < n; i++)
                    {
                        var result = read.Packets[i];
                        Assert.Equal((ushort)(60_000 + taken + i), result.SequenceNumber);
                        Assert.Equal(rest[i] >= 0, result.Received);
                        if (!result.Received) continue;
                        Assert.InRange(result.ArrivalMicroseconds - rest[i], -125, 125);
                        lastEncoded = result.ArrivalMicroseconds;
                    }
                    if (n < rest.Count)
                    {
                        // Cut short only for a reason: the size limit, or a next delta beyond 16 bits of ticks.
                        long next = rest[n];
                        bool deltaTooLarge = next >= 0 && Math.Abs(next - lastEncoded) > 32_767 * 250L;
                        Assert.True(feedback.Length == TransportLayerCc.MaxLength || deltaTooLarge, $"cut at {n} of {rest.Count} without cause");
                    }
                    taken += n;
                }
            }
        }

        [Theory]
        [InlineData("8FCD0004 00000001 00000002 00050001 00000000", "shorter than its fixed part")]
        [InlineData("8FCD0005 00000001 00000002 00050000 00000000 20010000", "reports no packets")]
        [InlineData("8FCD0005 00000001 00000002 00054001 00000000 1FFF0000", "over 16384")]
        [InlineData("8FCD0005 00000001 00000002 0005000A 00000000 20030000", "cover fewer packets")]
        [InlineData("8FCD0005 00000001 00000002 00050003 00000000 20030102", "deltas run past")]
        [InlineData("AFCD0005 00000001 00000002 00050001 00000000 40010001", "deltas run past")] // half a large delta
        [InlineData("8FCD0005 00000001 00000002 00050001 00000000 F0000000", "reserved")] // 2-bit vector
        [InlineData("8FCD0005 00000001 00000002 00050001 00000000 60010000", "reserved")] // run
        public void RejectsMalformedFeedbackWithTypedError(string hex, string reason)
        {
            var error = Assert.Throws<RtcpFormatException>(() => RtcpCompoundPacket.Parse(Hex.Parse(hex)));
            Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void ErrorOffsetPointsAtTheChunk()
        {
            // A PLI first, so the offset is relative to the compound: the bad chunk is 12 + 4 + 16 bytes in.
            var bytes = Hex.Parse("81CE0002 00000001 00000002 8FCD0005 00000001 00000002 00050001 00000000 F0000000");
            Assert.Equal(12 + 4 + 16, Assert.Throws<RtcpFormatException>(() => RtcpCompoundPacket.Parse(bytes)).Offset);
        }

        [Theory]
        [InlineData("8FCD0005 00000001 00000002 00050001 00000000 D7FF0500", "8FCD0005 00000001 00000002 00050001 00000000 D7FF0500")] // reserved symbols past the count
        [InlineData("8FCD0007 00000001 00000002 00050001 00000000 20010500 ABCDEF01 23456789", "8FCD0005 00000001 00000002 00050001 00000000 20010500")] // trailing bytes
        [InlineData("8FCD0006 00000001 00000002 00050002 00000000 00002002 01020000", "8FCD0006 00000001 00000002 00050002 00000000 00002002 01020000")] // an empty run
        public void AcceptsWhatLibwebrtcAccepts(string hex, string rewritten)
        {
            var feedback = Assert.IsType<TransportLayerCc>(Assert.Single(RtcpCompoundPacket.Parse(Hex.Parse(hex))));
            Assert.All(feedback.Packets, p => Assert.True(p.Received));
            Assert.Equal(Hex.Parse(rewritten), feedback.ToArray());
        }

        [Fact]
        public void ManyStatusesFromFewBytesAllocateLittle()
        {
            // 28 bytes naming 16384 lost packets in three run-length chunks: nothing may be expanded per status.
            var bytes = Hex.Parse("8FCD0006 00000001 00000002 00054000 00000000 1FFF1FFF 00020000");
            var feedback = (TransportLayerCc)RtcpCompoundPacket.Parse(bytes)[0];
            Assert.Equal(16_384, feedback.Packets.Count);
            Assert.DoesNotContain(feedback.Packets, p => p.Received);
            long before = GC.GetAllocatedBytesForCurrentThread();
            RtcpCompoundPacket.Parse(bytes);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 2048);
        }
    }
}
