using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Media;
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
    /// <summary>
    /// Our sender's transport-wide sequence numbers, read by our receiver's feedback interceptor, come back as
    /// feedback the sender resolves to its own send times: the whole TWCC loop, through real RTCP bytes.
    /// </summary>
    public class TransportWideFeedbackTests
    {
        private const int ExtensionId = 3;

        private static RtpStreamInfo Stream(uint ssrc) => new RtpStreamInfo(MediaTrackKind.Video, ssrc, 90000,
            new[] { new SdpExtmap(ExtensionId, TransportSequenceNumber.Uri) }, new[] { new SdpRtcpFeedback(102, "transport-cc") });

        [Fact]
        public void SequenceNumbersStampedOnSendComeBackAsFeedbackWithArrivalTimesAndLosses()
        {
            var packetizer = new H264Packetizer(0x1234, 102, 100, 1200, ExtensionId);
            var capture = new CapturingSink();
            var nal = new byte[] { 0, 0, 0, 1, 0x65 }.Concat(Enumerable.Repeat((byte)7, 30_000)).ToArray();
            packetizer.Packetize(nal, 9000, capture);
            Assert.True(capture.Packets.Count > 20);

            var stamper = new TransportSequenceInterceptor();
            stamper.BindLocalStream(Stream(0x1234));
            var estimator = new SendSideBandwidthEstimator();
            var congestion = new CongestionControlInterceptor(estimator, stamper);
            congestion.BindLocalStream(Stream(0x1234));
            var receiver = new TransportFeedbackInterceptor();
            receiver.BindRemoteStream(Stream(0x9999));

            for (int i = 0; i < capture.Packets.Count; i++)
            {
                var packet = capture.Packets[i];
                stamper.OnRtpSending(packet, TimeSpan.FromMilliseconds(i));
                Assert.True(TransportSequenceNumber.TryRead(RtpPacket.Parse(packet), ExtensionId, out ushort sequence));
                Assert.Equal(i, sequence);
                if (i % 5 == 3) continue; // lost on the way
                receiver.OnRtpReceived(RtpPacket.Parse(packet), packet.Length, TimeSpan.FromMilliseconds(50 + 2 * i), new List<RtcpPacket>());
            }
            var outgoing = new List<RtcpPacket>();
            receiver.OnTick(TimeSpan.FromMilliseconds(200), outgoing);
            var feedback = Assert.IsType<TransportLayerCc>(Assert.Single(outgoing));

            // Through the wire format and back, as the sender would receive it.
            var bytes = new byte[2000];
            int length = RtcpCompoundPacket.Write(bytes, new RtcpPacket[] { feedback });
            var parsed = Assert.IsType<TransportLayerCc>(Assert.Single(RtcpCompoundPacket.Parse(bytes.AsSpan(0, length))));
            int lastReceived = Enumerable.Range(0, capture.Packets.Count).Last(i => i % 5 != 3);
            Assert.Equal(lastReceived + 1, parsed.Packets.Count); // from the first received to the highest received
            var received = parsed.Packets.Where(p => p.Received).ToList();
            Assert.Equal(capture.Packets.Count - Enumerable.Range(0, capture.Packets.Count).Count(i => i % 5 == 3), received.Count);
            Assert.All(parsed.Packets, p => Assert.Equal(p.SequenceNumber % 5 != 3, p.Received));
            // Arrival spacing survives the 250 us encoding: 2 ms per sequence number.
            for (int i = 1; i < received.Count; i++)
                Assert.Equal(2000 * (received[i].SequenceNumber - received[i - 1].SequenceNumber), received[i].ArrivalMicroseconds - received[i - 1].ArrivalMicroseconds);

            congestion.OnRtcpReceived(new RtcpPacket[] { parsed }, TimeSpan.FromMilliseconds(210));
            Assert.Equal(1, estimator.TransportFeedbacks);
            // Nothing more to report until new packets arrive.
            outgoing.Clear();
            receiver.OnTick(TimeSpan.FromMilliseconds(300), outgoing);
            Assert.Empty(outgoing);
        }

        [Fact]
        public void WithoutTheNegotiatedExtensionNothingIsStampedOrFedBack()
        {
            var stamper = new TransportSequenceInterceptor();
            stamper.BindLocalStream(new RtpStreamInfo(MediaTrackKind.Video, 0x1234, 90000, Array.Empty<SdpExtmap>(), Array.Empty<SdpRtcpFeedback>()));
            var packetizer = new H264Packetizer(0x1234, 102, 100, 1200);
            var capture = new CapturingSink();
            packetizer.Packetize(new byte[] { 0, 0, 0, 1, 0x65, 1, 2, 3 }, 0, capture);
            var before = capture.Packets[0].ToArray();
            stamper.OnRtpSending(capture.Packets[0], TimeSpan.Zero);
            Assert.Equal(before, capture.Packets[0]);
            Assert.Equal(0, stamper.PacketsStamped);
        }
    }
}
