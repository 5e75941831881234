using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Interceptor
{
    public class ReportInterceptorTests
    {
        private static readonly DateTime T0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        internal static RtpStreamInfo Stream(MediaTrackKind kind, uint ssrc, params int[] payloadTypes) =>
            new RtpStreamInfo(kind, ssrc, kind == MediaTrackKind.Video ? 90_000 : 48_000, Array.Empty<SdpExtmap>(), Array.Empty<SdpRtcpFeedback>(), payloadTypes);

        internal static byte[] Packet(ushort sequence, uint timestamp, uint ssrc, int payload = 100, byte payloadType = 96)
        {
            var buffer = new byte[RtpHeader.FixedLength + payload];
            RtpPacket.Write(buffer, new RtpHeader(payloadType, sequence, timestamp, ssrc), new byte[payload]);
            return buffer;
        }

        [Fact]
        public void SenderReportCountsNewMediaButNotResends()
        {
            var clock = T0;
            var reports = new SenderReportInterceptor(TimeSpan.FromSeconds(5), () => clock, new Random(1));
            reports.BindLocalStream(Stream(MediaTrackKind.Audio, 0x5150));
            var outgoing = new List<RtcpPacket>();
            reports.OnTick(TimeSpan.Zero, outgoing);
            Assert.Empty(outgoing); // nothing sent yet: nothing to report
            reports.OnRtpSending(Packet(7, 960, 0x5150, payload: 3), TimeSpan.Zero);
            reports.OnRtpSending(Packet(8, 1920, 0x5150, payload: 3), TimeSpan.Zero);
            reports.OnRtpSending(Packet(7, 960, 0x5150, payload: 3), TimeSpan.Zero); // resent: not new media
            reports.OnRtpSending(Packet(9, 1920, 0x7777, payload: 3), TimeSpan.Zero); // not our stream
            clock = T0.AddSeconds(1);
            reports.OnTick(TimeSpan.FromSeconds(1), outgoing);
            var sr = Assert.IsType<SenderReport>(Assert.Single(outgoing));
            Assert.Equal(0x5150u, sr.Ssrc);
            Assert.Equal(2u, sr.PacketCount);
            Assert.Equal(6u, sr.OctetCount);
            Assert.Equal(1920u + 48_000u, sr.RtpTimestamp); // a second after the latest frame left, at 48 kHz
            Assert.Equal(2, reports.PacketsSent(0x5150));
            outgoing.Clear();
            reports.OnTick(TimeSpan.FromSeconds(1), outgoing);
            Assert.Empty(outgoing); // the next one is 2.5-7.5 s away
        }

        [Fact]
        public void ReceiverReportCarriesLossJitterAndTheEchoOfTheSenderReport()
        {
            var clock = T0;
            var receiver = new ReceiverReportInterceptor(TimeSpan.FromSeconds(1), () => clock);
            receiver.BindRemoteStream(Stream(MediaTrackKind.Video, 0xAAAA, 96));
            var feedback = new List<RtcpPacket>();
            var outgoing = new List<RtcpPacket>();
            receiver.OnTick(TimeSpan.Zero, outgoing);
            Assert.Empty(outgoing); // nothing received: nothing to report
            // 20 frames 33 ms apart, arriving with up to 10 ms of jitter; sequence 65530..65549 wraps, and 65535 and 3 are lost.
            var random = new Random(4);
            for (int i = 0; i < 20; i++)
            {
                ushort sequence = (ushort)(65530 + i);
                if (sequence == 65535 || sequence == 3) continue;
                var header = RtpPacket.Parse(Packet(sequence, (uint)(i * 3000), 0xBEEF));
                receiver.OnRtpReceived(header, 112, TimeSpan.FromMilliseconds(i * 33 + random.Next(0, 10)), feedback);
            }
            receiver.OnRtpReceived(RtpPacket.Parse(Packet(1, 0, 0xCCCC, payloadType: 111)), 112, TimeSpan.Zero, feedback); // another stream's type
            Assert.Equal(2, receiver.PacketsLost(0xAAAA));
            var srTime = T0.AddMilliseconds(690);
            clock = T0.AddMilliseconds(700);
            receiver.OnRtcpReceived(new RtcpPacket[] { new SenderReport(0xBEEF, NtpTime.FromDateTime(srTime), 0, 18, 1800) }, TimeSpan.FromMilliseconds(700));
            clock = T0.AddMilliseconds(950);
            receiver.OnTick(TimeSpan.FromMilliseconds(950), outgoing);
            var rr = Assert.IsType<ReceiverReport>(Assert.Single(outgoing));
            Assert.Equal(0xAAAAu, rr.Ssrc);
            var block = Assert.Single(rr.Reports);
            Assert.Equal(0xBEEFu, block.Ssrc);
            Assert.Equal(2, block.CumulativeLost);
            Assert.Equal((byte)(2 * 256 / 20), block.FractionLost);
            Assert.Equal((1u << 16) + 13, block.ExtendedHighestSequence); // one cycle, then 13
            Assert.InRange(InterarrivalJitter.ToTime(block.Jitter, 90_000), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10));
            Assert.Equal(NtpTime.Middle32(NtpTime.FromDateTime(srTime)), block.LastSenderReport);
            Assert.Equal(0.25 * 65536, block.DelaySinceLastSenderReport, 1.0);
            outgoing.Clear();
            receiver.OnTick(TimeSpan.FromMilliseconds(1500), outgoing);
            Assert.Empty(outgoing); // a report a second
        }

        [Fact]
        public void TheReportsGiveTheSenderItsRoundTripTime()
        {
            // The sender's report leaves at 0 and reaches the receiver at 40 ms, whose report leaves at 240 ms (DLSR 200 ms)
            // and arrives at 300 ms: 40 ms there and 60 ms back.
            var clock = T0;
            var sender = new SenderReportInterceptor(utcNow: () => clock);
            sender.BindLocalStream(Stream(MediaTrackKind.Video, 0x1111));
            var receiver = new ReceiverReportInterceptor(utcNow: () => clock);
            receiver.BindRemoteStream(Stream(MediaTrackKind.Video, 0x2222, 96));
            var packet = Packet(100, 0, 0x1111);
            sender.OnRtpSending(packet, TimeSpan.Zero);
            var outgoing = new List<RtcpPacket>();
            sender.OnTick(TimeSpan.Zero, outgoing);
            var sr = Assert.IsType<SenderReport>(Assert.Single(outgoing));
            clock = T0.AddMilliseconds(40);
            receiver.OnRtpReceived(RtpPacket.Parse(packet), packet.Length, TimeSpan.FromMilliseconds(40), new List<RtcpPacket>());
            receiver.OnRtcpReceived(outgoing, TimeSpan.FromMilliseconds(40));
            clock = T0.AddMilliseconds(240);
            outgoing = new List<RtcpPacket>();
            receiver.OnTick(TimeSpan.FromMilliseconds(240), outgoing);
            Assert.Null(sender.RoundTripTime(0x1111));
            clock = T0.AddMilliseconds(300);
            sender.OnRtcpReceived(outgoing, TimeSpan.FromMilliseconds(300));
            Assert.Equal(100, sender.RoundTripTime(0x1111)!.Value.TotalMilliseconds, 1.0);
            Assert.Equal(0, sender.LastReceptionReport(0x1111)!.Value.CumulativeLost);
            Assert.Null(sender.RoundTripTime(0x2222));
        }

        [Fact]
        public void KeepsTheRembAndReceptionReportAboutItsStream()
        {
            var reports = new SenderReportInterceptor();
            var remb = new RembInterceptor();
            var stream = Stream(MediaTrackKind.Video, 0x1111);
            reports.BindLocalStream(stream);
            remb.BindLocalStream(stream);
            foreach (var seed in new[] { "fir-remb-app", "rr-bye" })
            {
                var packets = RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", seed));
                reports.OnRtcpReceived(packets, TimeSpan.Zero);
                remb.OnRtcpReceived(packets, TimeSpan.Zero);
            }
            Assert.Equal(200000UL << 3, remb.ReceivedEstimate(0x1111));
            Assert.Equal(-1, reports.LastReceptionReport(0x1111)!.Value.CumulativeLost);
            Assert.Null(remb.ReceivedEstimate(0x2222));
        }

        [Fact]
        public void PictureLossIsAskedWhileAKeyframeIsNeededAtMostEvery300Milliseconds()
        {
            bool needed = true;
            var pli = new PictureLossInterceptor(ssrc => ssrc == 0xAAAA && needed);
            pli.BindRemoteStream(Stream(MediaTrackKind.Video, 0xAAAA, 96));
            pli.BindRemoteStream(Stream(MediaTrackKind.Audio, 0xBBBB, 111)); // audio has no pictures to lose
            var outgoing = new List<RtcpPacket>();
            pli.OnTick(TimeSpan.Zero, outgoing);
            Assert.Empty(outgoing); // the sender is not known before its first packet
            pli.OnRtpReceived(RtpPacket.Parse(Packet(1, 0, 0xBEEF)), 112, TimeSpan.Zero, new List<RtcpPacket>());
            foreach (int ms in new[] { 0, 100, 200, 300, 400, 600, 700 }) pli.OnTick(TimeSpan.FromMilliseconds(ms), outgoing);
            Assert.Equal(3, outgoing.Count); // at 0, 300 and 600 ms
            var request = Assert.IsType<PictureLossIndication>(outgoing[0]);
            Assert.Equal((0xAAAAu, 0xBEEFu), (request.SenderSsrc, request.MediaSsrc));
            needed = false;
            pli.OnTick(TimeSpan.FromSeconds(5), outgoing);
            Assert.Equal(3, outgoing.Count);
            Assert.Equal(3, pli.PictureLossIndicationsSent(0xAAAA));
        }
    }
}
