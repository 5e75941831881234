using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Sender;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Sender
{
    /// <summary>NACKs are answered only where a resend can still help: in time, not twice within an RTT, and within the rate cap.</summary>
    public class RetransmissionBudgetTests
    {
        private sealed class Sink : IRtpPacketSink
        {
            public List<ushort> Sequences { get; } = new List<ushort>();

            public void OnRtpPacket(byte[] buffer, int length) => Sequences.Add((ushort)(buffer[2] << 8 | buffer[3]));
        }

        private TimeSpan now;

        private RetransmissionBuffer Buffer(int packets, int size = 1000)
        {
            var buffer = new RetransmissionBuffer(64, 1500, () => now);
            for (int i = 0; i < packets; i++)
            {
                var packet = new byte[size];
                packet[0] = 0x80;
                packet[2] = 0;
                packet[3] = (byte)i;
                buffer.Store(packet);
            }
            return buffer;
        }

        private static TransportLayerNack Nack(params ushort[] lost) => TransportLayerNack.FromLost(1, 2, lost);

        [Fact]
        public void APacketThatCouldNoLongerArriveInTimeIsRefused()
        {
            var buffer = Buffer(2);
            var sink = new Sink();
            now = TimeSpan.FromMilliseconds(850);
            Assert.Equal(1, buffer.Retransmit(Nack(0), sink, TimeSpan.FromMilliseconds(200))); // 850 + 100 ms on the way: in time
            now = TimeSpan.FromMilliseconds(950);
            Assert.Equal(0, buffer.Retransmit(Nack(1), sink, TimeSpan.FromMilliseconds(200))); // 950 + 100 ms: past the second
            Assert.Equal(new ushort[] { 0 }, sink.Sequences);
            Assert.Equal(1, buffer.RefusedTooLate);
        }

        [Fact]
        public void APacketResentLessThanAnRttAgoIsNotResentAgain()
        {
            var buffer = Buffer(1);
            var sink = new Sink();
            var rtt = TimeSpan.FromMilliseconds(100);
            now = TimeSpan.FromMilliseconds(10);
            buffer.Retransmit(Nack(0), sink, rtt);
            now = TimeSpan.FromMilliseconds(60); // the receiver NACKs again before our resend could have reached it
            buffer.Retransmit(Nack(0), sink, rtt);
            now = TimeSpan.FromMilliseconds(120);
            buffer.Retransmit(Nack(0), sink, rtt);
            Assert.Equal(new ushort[] { 0, 0 }, sink.Sequences);
            Assert.Equal(1, buffer.RefusedRecentlyResent);
            Assert.Equal(2, buffer.Retransmitted);
        }

        [Fact]
        public void ResendsStayWithinTheRateCap()
        {
            var buffer = Buffer(10);
            buffer.MaxBitrate = 80_000; // a fifth of a second of it: 16 000 bits, two 1000-byte packets
            var sink = new Sink();
            now = TimeSpan.FromMilliseconds(300);
            Assert.Equal(2, buffer.Retransmit(Nack(0, 1, 2, 3), sink));
            Assert.Equal(2, buffer.RefusedOverRate);
            now += TimeSpan.FromMilliseconds(100); // 8000 bits more: one packet
            Assert.Equal(1, buffer.Retransmit(Nack(2, 3), sink));
            Assert.Equal(new ushort[] { 0, 1, 2 }, sink.Sequences);
        }

        [Fact]
        public void ResendsBeforeACapIsSetDoNotCountAgainstIt()
        {
            var buffer = Buffer(10);
            var sink = new Sink();
            now = TimeSpan.FromMilliseconds(5);
            Assert.Equal(10, buffer.Retransmit(Nack(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), sink));
            buffer.MaxBitrate = 80_000; // the estimator sets a cap: a full burst of two 1000-byte packets is there
            now = TimeSpan.FromMilliseconds(300);
            Assert.Equal(2, buffer.Retransmit(Nack(0, 1, 2), sink));
        }

        [Fact]
        public void WithoutAnRttOrACapEveryHeldPacketIsResent()
        {
            var buffer = Buffer(5);
            var sink = new Sink();
            now = TimeSpan.FromMilliseconds(5);
            Assert.Equal(5, buffer.Retransmit(Nack(0, 1, 2, 3, 4), sink));
            Assert.Equal(5, buffer.Retransmit(Nack(0, 1, 2, 3, 4), sink));
            Assert.Equal(0, buffer.RefusedTooLate + buffer.RefusedRecentlyResent + buffer.RefusedOverRate);
        }
    }
}
