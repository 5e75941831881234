using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>
    /// The round-trip time a sender reads from a reception report about its stream (RFC 3550 section 6.4.1): the arrival
    /// time of the report, less the LSR it echoes (the middle 32 bits of our last SR's NTP timestamp), less the DLSR the
    /// receiver held it for; all in units of 1/65536 s.
    /// </summary>
    public static class RoundTripTime
    {
        /// <summary>The RTT, or null when the report echoes no sender report yet or the figures are inconsistent.</summary>
        public static TimeSpan? FromReport(ReceptionReport report, DateTime arrivalUtc)
        {
            if (report.LastSenderReport == 0) return null;
            uint arrival = NtpTime.Middle32(NtpTime.FromDateTime(arrivalUtc));
            uint rtt = unchecked(arrival - report.LastSenderReport - report.DelaySinceLastSenderReport);
            // A negative result wraps to a huge one: clock steps or a forged report, not an RTT.
            if (rtt > 60 * 65536) return null;
            return TimeSpan.FromTicks(rtt * TimeSpan.TicksPerSecond / 65536);
        }
    }
}
