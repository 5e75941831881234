using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Gcc;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Interceptor
{
    /// <summary>The receiver's REMB: its estimate finds a bottleneck from the video alone and caps the sender's.</summary>
    public class RembInterceptorTests
    {
        private const int PayloadType = 102;
        private const uint MediaSsrc = 0x1234, FeedbackSsrc = 0x9999;

        private static RtpStreamInfo RemoteVideo(params string[] feedback) => new RtpStreamInfo(MediaTrackKind.Video, FeedbackSsrc, 90000,
            Array.Empty<SdpExtmap>(), feedback.Select(f => new SdpRtcpFeedback(PayloadType, f)).ToList(), new[] { PayloadType });

        /// <summary>
        /// 30 fps video at <paramref name="mediaRate"/> (a keyframe a second, four times a P-frame), each frame's packets
        /// paced at 7.5 Mbit/s through <paramref name="link"/> into the interceptor, ticking every 100 ms; returns the REMBs.
        /// </summary>
        private static List<(double Seconds, ulong Bitrate)> Stream(RembInterceptor remb, SimulatedBottleneck link, double seconds, long mediaRate)
        {
            var packetizer = new H264Packetizer(MediaSsrc, PayloadType, 100, 1200);
            var sent = new List<(double Seconds, ulong Bitrate)>();
            var arrivals = new List<(long At, byte[] Packet)>();
            long frameBytes = mediaRate / 8 / 30;
            long nextTick = 100_000;
            for (int frame = 0; frame < seconds * 30; frame++)
            {
                long start = frame * 1_000_000L / 30;
                int size = (int)(frame % 30 == 0 ? frameBytes * 4 : frameBytes * 26 / 29);
                var capture = new CapturingSink();
                packetizer.Packetize(new byte[] { 0, 0, 0, 1, (byte)(frame % 30 == 0 ? 0x65 : 0x41) }.Concat(Enumerable.Repeat((byte)7, size)).ToArray(), (uint)(frame * 3000), capture);
                long send = start;
                foreach (var packet in capture.Packets)
                {
                    var result = link.Send(send, packet.Length);
                    if (result.Received) arrivals.Add((result.ArrivalMicroseconds, packet));
                    send += packet.Length * 8L * 1_000_000 / 7_500_000;
                }
                while (nextTick <= start)
                {
                    foreach (var (at, packet) in arrivals.Where(a => a.At <= nextTick).OrderBy(a => a.At))
                        remb.OnRtpReceived(RtpPacket.Parse(packet), packet.Length, TimeSpan.FromTicks(at * 10), new List<RtcpPacket>());
                    arrivals.RemoveAll(a => a.At <= nextTick);
                    var outgoing = new List<RtcpPacket>();
                    remb.OnTick(TimeSpan.FromTicks(nextTick * 10), outgoing);
                    foreach (var message in outgoing.OfType<ReceiverEstimatedMaximumBitrate>())
                    {
                        Assert.Equal(FeedbackSsrc, message.SenderSsrc);
                        Assert.Equal(new[] { MediaSsrc }, message.Ssrcs);
                        sent.Add((nextTick / 1e6, message.Bitrate));
                    }
                    nextTick += 100_000;
                }
            }
            return sent;
        }

        /// <summary>
        /// 1.5 Mbit/s with two seconds of queue. REMB is delay-based, and with frames as its groups it needs the queue to
        /// grow for more than a few frames; a shallow buffer that overflows at once shows as loss in reception reports,
        /// which the sender's loss-based half takes instead.
        /// </summary>
        private static SimulatedBottleneck DeepBuffered() => new SimulatedBottleneck(1_500_000, bufferBytes: 400_000);

        [Fact]
        public void ThroughABottleneckTheEstimateFallsToTheLinkAndIsSentAtOnce()
        {
            var remb = new RembInterceptor();
            remb.BindRemoteStream(RemoteVideo("goog-remb", "nack"));
            var sent = Stream(remb, DeepBuffered(), 10, 2_500_000);
            Assert.True(sent.First().Seconds <= 0.3, "the first REMB goes out with the first tick that saw video");
            Assert.True(sent.First().Bitrate >= 10_000_000, "it caps nothing before the link is found short");
            var last = sent.Last();
            Assert.True(last.Bitrate is >= 900_000 and <= 1_650_000, string.Join(" ", sent.Select(s => $"{s.Seconds:0.0}:{s.Bitrate / 1000}")));
            // Decreases go out at once, the rest once a second: more than the ten a second-spaced schedule gives.
            Assert.True(sent.Count > 10, $"{sent.Count} REMBs");
        }

        [Fact]
        public void OnAFastLinkItNeverCapsTheSender()
        {
            var remb = new RembInterceptor();
            remb.BindRemoteStream(RemoteVideo("goog-remb"));
            var sent = Stream(remb, new SimulatedBottleneck(50_000_000), 10, 2_500_000);
            Assert.InRange(sent.Count, 9, 11); // once a second
            Assert.All(sent, s => Assert.True(s.Bitrate >= 10_000_000, $"REMB {s.Bitrate} at {s.Seconds:0.0} s"));
        }

        [Theory]
        [InlineData("nack")] // REMB not negotiated
        [InlineData("goog-remb", "transport-cc")] // the sender estimates from transport-wide feedback itself
        public void ItIsSilentUnlessTheSenderNeedsIt(params string[] feedback)
        {
            var remb = new RembInterceptor();
            remb.BindRemoteStream(RemoteVideo(feedback));
            Assert.Empty(Stream(remb, new SimulatedBottleneck(1_000_000), 3, 2_500_000));
        }

        [Fact]
        public void TheSenderTakesItAsACap()
        {
            var remb = new RembInterceptor();
            remb.BindRemoteStream(RemoteVideo("goog-remb"));
            var last = Stream(remb, DeepBuffered(), 8, 2_500_000).Last();
            var estimator = new SendSideBandwidthEstimator();
            var congestion = new CongestionControlInterceptor(estimator, null);
            congestion.BindLocalStream(new RtpStreamInfo(MediaTrackKind.Video, MediaSsrc, 90000, Array.Empty<SdpExtmap>(), Array.Empty<SdpRtcpFeedback>()));
            // Through real bytes, as it travels.
            var buffer = new byte[1500];
            int length = RtcpCompoundPacket.Write(buffer, new RtcpPacket[] { new ReceiverEstimatedMaximumBitrate(FeedbackSsrc, last.Bitrate, new[] { MediaSsrc }) });
            congestion.OnRtcpReceived(RtcpCompoundPacket.Parse(buffer.AsSpan(0, length)), TimeSpan.FromSeconds(8));
            Assert.True(estimator.IsConstrained);
            Assert.InRange(estimator.Target, (long)(last.Bitrate * 0.99), (long)last.Bitrate);
        }
    }
}
