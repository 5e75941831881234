using System;
using System.Linq;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Sender;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Sender
{
    public class RetransmissionBufferTests
    {
        private static byte[] Packet(ushort sequence)
        {
            var packet = new byte[20];
            RtpPacket.Write(packet, new RtpHeader(96, sequence, 0, 1), BitConverter.GetBytes((int)sequence).Concat(new byte[4]).ToArray());
            return packet;
        }

        [Fact]
        public void ResendsNackedPacketsStillHeldAcrossTheWrapAndCountsMisses()
        {
            var buffer = new RetransmissionBuffer(capacity: 8);
            for (int s = 65530; s < 65536 + 2; s++) buffer.Store(Packet((ushort)s)); // 8 packets: 65530 through 1
            var sink = new CapturingSink();
            int resent = buffer.Retransmit(TransportLayerNack.FromLost(2, 1, new ushort[] { 65534, 0, 1, 2 }), sink);
            Assert.Equal(3, resent);
            Assert.Equal(new[] { 65534, 0, 1 }, sink.Packets.Select(p => (int)RtpPacket.Parse(p).Header.SequenceNumber));
            Assert.Equal(Packet(0), sink.Packets[1]);
            Assert.Equal(3, buffer.Retransmitted);
            Assert.Equal(1, buffer.NotFound);
        }

        [Fact]
        public void EvictsTheOldestOnceFull()
        {
            var buffer = new RetransmissionBuffer(capacity: 4);
            for (ushort s = 0; s < 6; s++) buffer.Store(Packet(s));
            var held = new byte[100];
            Assert.Equal(0, buffer.CopyTo(1, held));
            Assert.Equal(20, buffer.CopyTo(2, held));
            Assert.Equal(Packet(2), held.AsSpan(0, 20).ToArray());
        }

        [Fact]
        public void SinkMayProtectInPlaceWithoutCorruptingTheStoredCopy()
        {
            var buffer = new RetransmissionBuffer(capacity: 4);
            buffer.Store(Packet(7));
            var nack = TransportLayerNack.FromLost(2, 1, new ushort[] { 7 });
            buffer.Retransmit(nack, new ScribblingSink());
            var held = new byte[100];
            Assert.Equal(20, buffer.CopyTo(7, held));
            Assert.Equal(Packet(7), held.AsSpan(0, 20).ToArray());
        }

        [Fact]
        public void TheRingGrowsOnlyForPacketsStillWorthResendingAndKeepsTheirBytes()
        {
            var now = TimeSpan.Zero;
            var buffer = new RetransmissionBuffer(capacity: 1024, clock: () => now);
            Assert.Equal(32 * 1024, buffer.RingBytes);
            // 1 Mbit/s in 1200-byte packets (about 104 a second) for 5 s: a second of it is 125 kB.
            var packet = new byte[1200];
            for (int i = 0; i < 520; i++)
            {
                now = TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 104);
                RtpPacket.Write(packet, new RtpHeader(96, (ushort)(60000 + i), 0, 1), Enumerable.Repeat((byte)i, 1188).ToArray());
                buffer.Store(packet);
            }
            Assert.Equal(128 * 1024, buffer.RingBytes); // a second of the stream, not the 1.5 MB of 1024 full packets
            var held = new byte[1500];
            for (int i = 520 - 104; i < 520; i++)
            {
                Assert.Equal(1200, buffer.CopyTo((ushort)(60000 + i), held)); // the last second, across the sequence wrap
                Assert.All(held.AsSpan(12, 1188).ToArray(), b => Assert.Equal((byte)i, b));
            }
            Assert.Equal(0, buffer.CopyTo(60000, held)); // five seconds old: gone
        }

        [Fact]
        public void OldPacketsGiveWayInsteadOfGrowingTheRingPastItsBound()
        {
            var buffer = new RetransmissionBuffer(capacity: 64, maxPacketSize: 1500, clock: () => TimeSpan.Zero, maxBytes: 8 * 1024);
            var packet = new byte[1000];
            for (int i = 0; i < 40; i++)
            {
                RtpPacket.Write(packet, new RtpHeader(96, (ushort)i, 0, 1), new byte[988]);
                buffer.Store(packet);
            }
            Assert.Equal(8 * 1024, buffer.RingBytes);
            var held = new byte[1500];
            Assert.Equal(1000, buffer.CopyTo(39, held));
            Assert.Equal(1000, buffer.CopyTo(32, held));
            Assert.Equal(0, buffer.CopyTo(31, held)); // eight packets fit in 8 kB: older ones were overwritten
        }

        private sealed class ScribblingSink : IRtpPacketSink
        {
            public void OnRtpPacket(byte[] buffer, int length) => buffer.AsSpan(0, length + RtpPacketEmitter.TrailerRoom).Fill(0xEE);
        }
    }
}
