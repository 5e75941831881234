using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Srtp;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using KinesisVideoWebRTCStorage.WebRtc.Sender;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Sender
{
    public class SenderTests
    {
        private static readonly DateTime T0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        [Fact]
        public void NtpTimeRoundTripsAndMatchesTheUnixEpochOffset()
        {
            ulong ntp = NtpTime.FromDateTime(new DateTime(1970, 1, 1, 0, 0, 0, 500, DateTimeKind.Utc));
            Assert.Equal(2208988800UL, ntp >> 32); // seconds from 1900 to 1970
            Assert.Equal(0x80000000UL, ntp & 0xFFFFFFFF);
            Assert.Equal(T0, NtpTime.ToDateTime(NtpTime.FromDateTime(T0)));
            Assert.Equal(0x12345678u, NtpTime.Middle32(0x0000123456780000));
        }

        [Fact]
        public void SenderReportExtrapolatesTheRtpTimestampAndCounts()
        {
            var generator = new SenderReportGenerator(0xABCD, 90_000, TimeSpan.FromSeconds(1), new Random(1));
            Assert.False(generator.IsDue(T0));
            generator.OnPacketSent(1000, 1200, T0);
            generator.OnPacketSent(1000, 800, T0.AddMilliseconds(1)); // same frame: anchor stays at the first packet
            generator.OnPacketSent(4000, 100, T0.AddMilliseconds(33));
            Assert.True(generator.IsDue(T0.AddMilliseconds(33)));

            var sr = generator.CreateReport(T0.AddMilliseconds(133));
            Assert.Equal(0xABCDu, sr.Ssrc);
            Assert.Equal(3u, sr.PacketCount);
            Assert.Equal(2100u, sr.OctetCount);
            Assert.Equal(4000u + 9000u, sr.RtpTimestamp); // 100 ms after the anchor at 90 kHz
            Assert.Equal(T0.AddMilliseconds(133), NtpTime.ToDateTime(sr.NtpTimestamp), TimeSpan.FromTicks(1));
            Assert.False(generator.IsDue(T0.AddMilliseconds(133 + 499)));
            Assert.True(generator.IsDue(T0.AddMilliseconds(133 + 1500)));
        }

        [Fact]
        public void PliAndNewFirRaiseKeyframeRequestsAndRepeatedFirDoesNot()
        {
            var keyframes = new KeyframeRequestInterceptor();
            keyframes.BindLocalStream(new RtpStreamInfo(MediaTrackKind.Video, 0x1111, 90000, Array.Empty<SdpExtmap>(), Array.Empty<SdpRtcpFeedback>()));
            var requests = new List<(uint Ssrc, KeyframeRequestKind Kind)>();
            keyframes.KeyframeRequested += (ssrc, e) => requests.Add((ssrc, e.Kind));
            keyframes.OnRtcpReceived(RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", "nack-pli")), TimeSpan.Zero);
            keyframes.OnRtcpReceived(new RtcpPacket[] { new PictureLossIndication(9, 0x2222) }, TimeSpan.Zero); // another stream
            var fir = new FullIntraRequest(9, new[] { new FirEntry(0x1111, 4) });
            keyframes.OnRtcpReceived(new RtcpPacket[] { fir, fir }, TimeSpan.Zero);
            keyframes.OnRtcpReceived(new RtcpPacket[] { new FullIntraRequest(9, new[] { new FirEntry(0x1111, 5) }) }, TimeSpan.Zero);
            Assert.Equal(new[] { (0x1111u, KeyframeRequestKind.PictureLossIndication), (0x1111u, KeyframeRequestKind.FullIntraRequest), (0x1111u, KeyframeRequestKind.FullIntraRequest) }, requests);
            Assert.Equal(3, keyframes.Requests(0x1111));
            Assert.Equal(0, keyframes.Requests(0x2222));
        }

        [Fact]
        public void KeepsRembAndReceptionReportForItsStream()
        {
            var handler = new RtcpFeedbackHandler(0x1111, null);
            handler.Handle(RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", "fir-remb-app")), new CapturingSink());
            handler.Handle(RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", "rr-bye")), new CapturingSink());
            Assert.Equal(200000UL << 3, handler.EstimatedBitrate);
            Assert.Equal(-1, handler.LastReceptionReport!.Value.CumulativeLost);
        }

        /// <summary>Packetize, protect and "send" over a lossy loopback; NACK the gap; the receiver rebuilds the frame.</summary>
        [Fact]
        public void LossyLoopbackRecoversThroughNackRetransmission()
        {
            using var senderSrtp = SrtpSessionTests.Create();
            using var receiverSrtp = SrtpSessionTests.Create();
            var wire = new List<byte[]>();
            var clock = T0;
            var pipeline = new RtpSendPipeline(senderSrtp, (b, n) => wire.Add(b.AsSpan(0, n).ToArray()), new RetransmissionBuffer(256),
                new SenderReportGenerator(0x5150, H264Packetizer.ClockRate), () => clock);
            var packetizer = new H264Packetizer(0x5150, 96, 1000);
            var feedback = new RtcpFeedbackHandler(0x5150, pipeline.History);

            var idr = H264PacketizerTests.Nal(0x65, 20_000);
            var frame = H264PacketizerTests.AnnexB(H264PacketizerTests.Sps, H264PacketizerTests.Pps, idr);
            int sent = packetizer.Packetize(frame, 3000, pipeline);
            Assert.Equal(sent, wire.Count);
            Assert.Equal((uint)sent, pipeline.Reports.PacketCount);

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
            feedback.Handle(new RtcpPacket[] { TransportLayerNack.FromLost(1, 0x5150, lost) }, pipeline.Retransmissions);
            Assert.Equal(2, wire.Count);
            Assert.Equal((uint)sent, pipeline.Reports.PacketCount); // retransmissions are not new media
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
        public void PipelineSendsSenderReportWithCNameWhenDue()
        {
            using var senderSrtp = SrtpSessionTests.Create();
            using var receiverSrtp = SrtpSessionTests.Create();
            var wire = new List<byte[]>();
            var clock = T0;
            var pipeline = new RtpSendPipeline(senderSrtp, (b, n) => wire.Add(b.AsSpan(0, n).ToArray()), new RetransmissionBuffer(16),
                new SenderReportGenerator(0x5150, OpusPacketizer.ClockRate, TimeSpan.FromSeconds(5)), () => clock);
            Assert.False(pipeline.SendSenderReportIfDue("me")); // nothing sent yet
            new OpusPacketizer(0x5150, 111, 0).Packetize(new byte[] { 0xFC, 1, 2 }, 960, pipeline);
            clock = T0.AddSeconds(1);
            Assert.True(pipeline.SendSenderReportIfDue("me"));
            Assert.False(pipeline.SendSenderReportIfDue("me"));

            var datagram = wire.Last();
            Assert.True(RtcpDemultiplexer.IsRtcp(datagram));
            Assert.False(RtcpDemultiplexer.IsRtcp(wire[0]));
            Assert.True(receiverSrtp.TryUnprotectRtcp(datagram, datagram.Length, out int length));
            var packets = RtcpCompoundPacket.Parse(datagram.AsSpan(0, length));
            var sr = Assert.IsType<SenderReport>(packets[0]);
            Assert.Equal(960u + 48_000u, sr.RtpTimestamp);
            Assert.Equal(1u, sr.PacketCount);
            Assert.Equal(3u, sr.OctetCount);
            Assert.Equal("me", Assert.IsType<SourceDescription>(packets[1]).GetCName(0x5150));
        }

        [Fact]
        public void HandleCompoundCountsMalformedInput()
        {
            var handler = new RtcpFeedbackHandler(0x1111, null);
            Assert.False(handler.HandleCompound(new byte[] { 0x81, 0xCE, 0, 9 }, new CapturingSink()));
            Assert.True(handler.HandleCompound(SeedCorpus.Load("rtcp", "nack-pli"), new CapturingSink()));
            Assert.Equal(1, handler.MalformedCompounds);
            Assert.Equal(1, handler.NacksReceived);
        }

        [Fact]
        public void SendPipelineDoesNotAllocateInSteadyState()
        {
            using var srtp = SrtpSessionTests.Create();
            long sentBytes = 0;
            var pipeline = new RtpSendPipeline(srtp, (b, n) => sentBytes += n, new RetransmissionBuffer(512),
                new SenderReportGenerator(1, H264Packetizer.ClockRate), () => T0);
            var packetizer = new H264Packetizer(1, 96, 0);
            var frame = H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x65, 100_000));
            packetizer.Packetize(frame, 0, pipeline);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (uint i = 1; i <= 10; i++) packetizer.Packetize(frame, i * 3000, pipeline);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(sentBytes > 1_000_000);
        }
    }
}
