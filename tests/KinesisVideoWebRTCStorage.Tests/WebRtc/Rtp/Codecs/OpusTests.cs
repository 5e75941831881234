using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs
{
    public class OpusTests
    {
        [Fact]
        public void OnePacketPerFrameOnThe48kHzClockAndBack()
        {
            var sink = new CapturingSink();
            var packetizer = new OpusPacketizer(0x0BADF00D, 111, 7);
            var frames = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 40 + i).Select(b => (byte)(b + i)).ToArray()).ToList();
            for (int i = 0; i < frames.Count; i++) packetizer.Packetize(frames[i], (uint)(i * 960), sink, afterSilence: i == 0);

            Assert.Equal(new[] { 7, 8, 9 }, sink.Packets.Select(p => (int)RtpPacket.Parse(p).Header.SequenceNumber));
            Assert.Equal(new[] { 0u, 960u, 1920u }, sink.Packets.Select(p => RtpPacket.Parse(p).Header.Timestamp));
            Assert.Equal(new[] { true, false, false }, sink.Packets.Select(p => RtpPacket.Parse(p).Header.Marker));
            Assert.All(sink.Packets, p => Assert.Equal(111, RtpPacket.Parse(p).Header.PayloadType));

            var received = new List<(byte[], uint)>();
            var depacketizer = new OpusDepacketizer((frame, ts) => received.Add((frame.ToArray(), ts)));
            depacketizer.Push(RtpPacket.Parse(sink.Packets[0]));
            depacketizer.Push(RtpPacket.Parse(sink.Packets[2]));
            Assert.Equal(new[] { frames[0], frames[2] }, received.Select(r => r.Item1));
            Assert.Equal(1, depacketizer.LostPackets);
        }

        [Fact]
        public void PaddingOnlyPacketIsSkippedAndAnEmptyPayloadIsMalformed()
        {
            var received = new List<byte[]>();
            var depacketizer = new OpusDepacketizer((frame, ts) => received.Add(frame.ToArray()));
            var padding = new byte[RtpHeader.FixedLength + 32];
            RtpPacket.Write(padding, new RtpHeader(111, 1, 960, 1), System.ReadOnlySpan<byte>.Empty, paddingLength: 32);
            var empty = new byte[RtpHeader.FixedLength];
            RtpPacket.Write(empty, new RtpHeader(111, 2, 1920, 1), System.ReadOnlySpan<byte>.Empty);
            depacketizer.Push(RtpPacket.Parse(padding));
            depacketizer.Push(RtpPacket.Parse(empty));
            Assert.Empty(received);
            Assert.Equal((1L, 1L, 0L), (depacketizer.PaddingOnlyPackets, depacketizer.MalformedPayloads, depacketizer.LostPackets));
        }

        [Fact]
        public void RejectsFramesOverTheBudgetAndEmptyFrames()
        {
            var packetizer = new OpusPacketizer(1, 111, 0, maxPayloadSize: 100);
            Assert.Throws<System.ArgumentException>(() => packetizer.Packetize(new byte[101], 0, new CapturingSink()));
            Assert.Throws<System.ArgumentException>(() => packetizer.Packetize(new byte[0], 0, new CapturingSink()));
        }
    }
}
