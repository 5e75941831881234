using System;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtcp
{
    /// <summary>The figures a reception report carries and what the sender reads from one (RFC 3550 section 6.4.1).</summary>
    public class ReceptionFiguresTests
    {
        private static readonly TimeSpan FrameInterval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30);

        [Fact]
        public void PacketsArrivingAtTheirMediaPaceHaveNoJitter()
        {
            var jitter = new InterarrivalJitter(90000);
            for (int i = 0; i < 100; i++) jitter.OnPacket((uint)(1000 + 3000 * i), TimeSpan.FromSeconds(5) + FrameInterval * i);
            Assert.Equal(0u, jitter.Value);
        }

        [Fact]
        public void ALatePacketRaisesTheEstimateBySixteenthsOfTheDeviation()
        {
            // 50 fps at 90 kHz: 1800 units every 20 ms, both exact.
            var jitter = new InterarrivalJitter(90000);
            jitter.OnPacket(0, TimeSpan.Zero);
            jitter.OnPacket(1800, TimeSpan.FromMilliseconds(20));
            // 10 ms late is 900 units of 90 kHz: J = 900/16; back on time, the transit moves 900 again: J += (900 - J)/16.
            jitter.OnPacket(3600, TimeSpan.FromMilliseconds(50));
            Assert.Equal(56u, jitter.Value);
            jitter.OnPacket(5400, TimeSpan.FromMilliseconds(60));
            Assert.Equal(108u, jitter.Value);
            Assert.Equal(1.2, jitter.Time.TotalMilliseconds, 1);
        }

        [Fact]
        public void TheRtpTimestampWrapIsNoJitter()
        {
            var jitter = new InterarrivalJitter(48000);
            uint start = uint.MaxValue - 960 * 10;
            for (int i = 0; i < 30; i++) jitter.OnPacket(unchecked(start + (uint)(960 * i)), TimeSpan.FromHours(30) + TimeSpan.FromMilliseconds(20 * i));
            Assert.Equal(0u, jitter.Value);
        }

        [Fact]
        public void RoundTripTimeIsTheReportsArrivalLessTheEchoedSenderReportAndTheReceiversHold()
        {
            var arrival = new DateTime(2026, 12, 2, 8, 0, 0, DateTimeKind.Utc);
            uint lastSenderReport = NtpTime.Middle32(NtpTime.FromDateTime(arrival - TimeSpan.FromMilliseconds(150)));
            var report = new ReceptionReport(1, 0, 0, 0, 0, lastSenderReport, (uint)(0.100 * 65536));
            Assert.Equal(50, RoundTripTime.FromReport(report, arrival)!.Value.TotalMilliseconds, 0);
        }

        [Fact]
        public void NoRoundTripTimeWithoutAnEchoedSenderReportOrFromInconsistentFigures()
        {
            var arrival = new DateTime(2026, 12, 2, 8, 0, 0, DateTimeKind.Utc);
            Assert.Null(RoundTripTime.FromReport(new ReceptionReport(1, 0, 0, 0, 0, 0, 0), arrival));
            uint lastSenderReport = NtpTime.Middle32(NtpTime.FromDateTime(arrival - TimeSpan.FromMilliseconds(100)));
            // The receiver claims to have held it longer than it has existed.
            Assert.Null(RoundTripTime.FromReport(new ReceptionReport(1, 0, 0, 0, 0, lastSenderReport, (uint)(0.5 * 65536)), arrival));
        }
    }
}
