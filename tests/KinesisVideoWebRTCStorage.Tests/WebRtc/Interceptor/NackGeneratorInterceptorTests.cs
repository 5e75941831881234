using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Interceptor
{
    public class NackGeneratorInterceptorTests
    {
        private const uint FeedbackSsrc = 0x9999, MediaSsrc = 0x1234;

        private static NackGeneratorInterceptor Bound()
        {
            var generator = new NackGeneratorInterceptor();
            generator.BindRemoteStream(new RtpStreamInfo(MediaTrackKind.Video, FeedbackSsrc, 90000, Array.Empty<SdpExtmap>(), Array.Empty<SdpRtcpFeedback>(), new[] { 102 }));
            return generator;
        }

        private static List<RtcpPacket> Receive(NackGeneratorInterceptor generator, ushort sequence, uint ssrc = MediaSsrc, byte payloadType = 102)
        {
            var buffer = new byte[20];
            buffer[0] = 0x80;
            buffer[1] = payloadType;
            buffer[2] = (byte)(sequence >> 8);
            buffer[3] = (byte)sequence;
            buffer[8] = (byte)(ssrc >> 24);
            buffer[9] = (byte)(ssrc >> 16);
            buffer[10] = (byte)(ssrc >> 8);
            buffer[11] = (byte)ssrc;
            var feedback = new List<RtcpPacket>();
            generator.OnRtpReceived(RtpPacket.Parse(buffer), buffer.Length, TimeSpan.Zero, feedback);
            return feedback;
        }

        private static ushort[] Lost(RtcpPacket packet)
        {
            var nack = Assert.IsType<TransportLayerNack>(packet);
            Assert.Equal(FeedbackSsrc, nack.SenderSsrc);
            Assert.Equal(MediaSsrc, nack.MediaSsrc);
            return nack.Pairs.SelectMany(p => Enumerable.Range(0, 17).Where(o => o == 0 || (p.LostBitmask & (1 << (o - 1))) != 0).Select(o => (ushort)(p.PacketId + o))).ToArray();
        }

        [Fact]
        public void AGapIsNackedAtOnceAndOnEachTickUntilFilledOrAskedThreeTimes()
        {
            var generator = Bound();
            Assert.Empty(Receive(generator, 65533));
            Assert.Equal(new ushort[] { 65534, 65535, 0 }, Lost(Assert.Single(Receive(generator, 1)))); // across the wrap
            Assert.Empty(Receive(generator, 65535)); // a late packet fills its gap
            var tick = new List<RtcpPacket>();
            generator.OnTick(TimeSpan.FromMilliseconds(100), tick);
            Assert.Equal(new ushort[] { 65534, 0 }, Lost(Assert.Single(tick))); // the gaps still open, oldest first
            for (int i = 0; i < 5; i++)
            {
                tick.Clear();
                generator.OnTick(TimeSpan.FromMilliseconds(200 + 100 * i), tick);
                if (i >= 1) Assert.Empty(tick); // asked three times in all: once at the gap, twice on ticks
            }
            Assert.Equal(3, generator.NacksSent(FeedbackSsrc));
        }

        [Fact]
        public void OtherStreamsAndSourcesAreNotItsOwn()
        {
            var generator = Bound();
            Receive(generator, 10);
            Assert.Empty(Receive(generator, 20, payloadType: 111)); // not a bound payload type
            Assert.Empty(Receive(generator, 30, ssrc: 0x5555)); // a second source on the stream
            Assert.Single(Receive(generator, 12));
            Assert.Equal(0, new NackGeneratorInterceptor().NacksSent(FeedbackSsrc));
        }
    }
}
