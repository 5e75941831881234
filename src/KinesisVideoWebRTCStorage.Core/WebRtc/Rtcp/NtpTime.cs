using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>64-bit NTP timestamps as SR and RR carry them (RFC 3550 §4): seconds since 1900 and a 32-bit fraction.</summary>
    public static class NtpTime
    {
        private static readonly DateTime Epoch = new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        public static ulong FromDateTime(DateTime utc)
        {
            long ticks = utc.ToUniversalTime().Ticks - Epoch.Ticks;
            ulong seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
            ulong fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
            return (seconds << 32) | fraction;
        }

        public static DateTime ToDateTime(ulong ntp)
        {
            long ticks = (long)(ntp >> 32) * TimeSpan.TicksPerSecond + (long)((ntp & 0xFFFFFFFF) * TimeSpan.TicksPerSecond >> 32);
            return new DateTime(Epoch.Ticks + ticks, DateTimeKind.Utc);
        }

        /// <summary>The middle 32 bits, as an RR's LSR field echoes an SR's timestamp.</summary>
        public static uint Middle32(ulong ntp) => (uint)(ntp >> 16);
    }
}
