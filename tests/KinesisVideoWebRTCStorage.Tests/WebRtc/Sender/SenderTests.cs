using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
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
    }
}
