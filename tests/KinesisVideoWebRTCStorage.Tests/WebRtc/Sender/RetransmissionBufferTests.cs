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

        private sealed class ScribblingSink : IRtpPacketSink
        {
            public void OnRtpPacket(byte[] buffer, int length) => buffer.AsSpan(0, length + RtpPacketEmitter.TrailerRoom).Fill(0xEE);
        }
    }
}
