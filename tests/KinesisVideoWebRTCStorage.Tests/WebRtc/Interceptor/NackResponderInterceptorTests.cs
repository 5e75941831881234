using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Srtp;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Interceptor
{
    public class NackResponderInterceptorTests
    {
        /// <summary>What the connection does with a packet that leaves: the interceptors see it, then SRTP and the wire.</summary>
        private sealed class Transmit : IRtpPacketSink
        {
            private readonly RtpInterceptor _interceptors;
            private readonly SrtpSession _srtp;
            private readonly Action<byte[], int> _wire;

            public Transmit(RtpInterceptor interceptors, SrtpSession srtp, Action<byte[], int> wire)
            {
                _interceptors = interceptors;
                _srtp = srtp;
                _wire = wire;
            }

            public TimeSpan Now { get; set; }

            public void OnRtpPacket(byte[] buffer, int length)
            {
                _interceptors.OnRtpSending(buffer.AsSpan(0, length), Now);
                _wire(buffer, _srtp.ProtectRtp(buffer, length));
            }
        }

        /// <summary>Packetize, protect and "send" over a lossy loopback; NACK the gap; the receiver rebuilds the frame.</summary>
        [Fact]
        public void LossyLoopbackRecoversThroughNackRetransmission()
        {
            using var senderSrtp = SrtpSessionTests.Create();
            using var receiverSrtp = SrtpSessionTests.Create();
            var wire = new List<byte[]>();
            var reports = new SenderReportInterceptor();
            Transmit? transmit = null;
            var responder = new NackResponderInterceptor(new object(), new ForwardingSink(() => transmit!));
            var chain = new InterceptorChain(new RtpInterceptor[] { reports, responder });
            chain.BindLocalStream(ReportInterceptorTests.Stream(MediaTrackKind.Video, 0x5150));
            transmit = new Transmit(chain, senderSrtp, (b, n) => wire.Add(b.AsSpan(0, n).ToArray()));
            var packetizer = new H264Packetizer(0x5150, 96, 1000);

            var idr = H264PacketizerTests.Nal(0x65, 20_000);
            var frame = H264PacketizerTests.AnnexB(H264PacketizerTests.Sps, H264PacketizerTests.Pps, idr);
            int sent = packetizer.Packetize(frame, 3000, transmit);
            Assert.Equal(sent, wire.Count);
            Assert.Equal(sent, reports.PacketsSent(0x5150));

            var units = new List<byte[]>();
            var depacketizer = new H264Depacketizer((u, _, complete) => { if (complete) units.Add(u.ToArray()); });
            var reorder = new RtpReorderBuffer(p => depacketizer.Push(RtpPacket.Parse(p)), capacity: 64);
            var lost = new ushort[] { 1003, 1010 };
            foreach (var datagram in wire.ToList())
            {
                if (lost.Contains((ushort)(datagram[2] << 8 | datagram[3]))) continue; // the header travels in the clear
                Assert.True(receiverSrtp.TryUnprotectRtp(datagram, datagram.Length, out int length));
                reorder.Push(datagram.AsSpan(0, length));
            }
            Assert.Empty(units);

            wire.Clear();
            chain.OnRtcpReceived(new RtcpPacket[] { TransportLayerNack.FromLost(1, 0x5150, lost), TransportLayerNack.FromLost(1, 0x7777, lost) }, TimeSpan.Zero);
            Assert.Equal(2, wire.Count); // the NACK about a stream we do not send is ignored
            Assert.Equal(sent, reports.PacketsSent(0x5150)); // retransmissions are not new media
            Assert.Equal(2, responder.History(0x5150)!.Retransmitted);
            Assert.Equal(1, responder.NacksReceived(0x5150));
            foreach (var datagram in wire)
            {
                Assert.True(receiverSrtp.TryUnprotectRtp(datagram, datagram.Length, out int length));
                reorder.Push(datagram.AsSpan(0, length));
            }
            var unit = Assert.Single(units);
            var startCode = new byte[] { 0, 0, 0, 1 };
            Assert.Equal(startCode.Concat(H264PacketizerTests.Sps).Concat(startCode).Concat(H264PacketizerTests.Pps).Concat(startCode).Concat(idr), unit);
            Assert.Equal(0, receiverSrtp.Counters.ReplaysDropped + receiverSrtp.Counters.AuthenticationFailures);
        }

        [Fact]
        public void APacketAgesFromWhenItLeavesNotFromWhenItWasMade()
        {
            // A packet that waited 900 ms in a pacer is still worth resending 500 ms after it left.
            var now = TimeSpan.Zero;
            var resent = new CapturingSink();
            var responder = new NackResponderInterceptor(new object(), resent, clock: () => now);
            responder.BindLocalStream(ReportInterceptorTests.Stream(MediaTrackKind.Video, 0x5150));
            var packet = ReportInterceptorTests.Packet(42, 0, 0x5150);
            now = TimeSpan.FromMilliseconds(900);
            responder.OnRtpSending(packet, now);
            now = TimeSpan.FromMilliseconds(1400);
            responder.OnRtcpReceived(new RtcpPacket[] { TransportLayerNack.FromLost(1, 0x5150, new ushort[] { 42 }) }, now);
            Assert.Equal(packet, Assert.Single(resent.Packets));
            // ...and a resend going out again through the chain is not taken for new media, which would renew its age.
            responder.OnRtpSending(packet, now);
            now = TimeSpan.FromMilliseconds(2000);
            responder.OnRtcpReceived(new RtcpPacket[] { TransportLayerNack.FromLost(1, 0x5150, new ushort[] { 42 }) }, now);
            Assert.Single(resent.Packets);
            Assert.Equal(1, responder.History(0x5150)!.RefusedTooLate);
        }

        [Fact]
        public void SendingAllocatesNothingInSteadyState()
        {
            using var srtp = SrtpSessionTests.Create();
            long sentBytes = 0;
            var reports = new SenderReportInterceptor();
            var responder = new NackResponderInterceptor(new object(), new CountingSink());
            var chain = new InterceptorChain(new RtpInterceptor[] { reports, responder, new TransportSequenceInterceptor() });
            chain.BindLocalStream(ReportInterceptorTests.Stream(MediaTrackKind.Video, 1));
            var transmit = new Transmit(chain, srtp, (b, n) => sentBytes += n);
            var packetizer = new H264Packetizer(1, 96, 0);
            var frame = H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x65, 100_000));
            // Warm: 3 MB within a second grows the history to its 2 MB bound, once.
            for (uint i = 0; i < 30; i++) packetizer.Packetize(frame, i * 3000, transmit);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (uint i = 30; i < 40; i++) packetizer.Packetize(frame, i * 3000, transmit);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(sentBytes > 4_000_000);
            Assert.Equal(40 * 84, reports.PacketsSent(1));
        }

        private sealed class ForwardingSink : IRtpPacketSink
        {
            private readonly Func<IRtpPacketSink> _target;

            public ForwardingSink(Func<IRtpPacketSink> target) => _target = target;

            public void OnRtpPacket(byte[] buffer, int length) => _target().OnRtpPacket(buffer, length);
        }
    }
}
