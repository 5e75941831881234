using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>
    /// The interarrival jitter a reception report carries (RFC 3550 section 6.4.1 and appendix A.8): the smoothed mean
    /// deviation of the difference in packet spacing at the receiver compared with the sender, in RTP timestamp units.
    /// Fed with packets in arrival order; a congested queue shows up here before any packet is lost.
    /// </summary>
    public sealed class InterarrivalJitter
    {
        private readonly int _clockRate;
        private bool _started;
        private long _lastTransit;
        private double _jitter;

        public InterarrivalJitter(int clockRate)
        {
            if (clockRate <= 0) throw new ArgumentOutOfRangeException(nameof(clockRate));
            _clockRate = clockRate;
        }

        /// <summary>The estimate in RTP timestamp units, as a report block's jitter field holds it.</summary>
        public uint Value => (uint)_jitter;

        /// <summary>The estimate as time.</summary>
        public TimeSpan Time => ToTime(_jitter, _clockRate);

        /// <summary>A jitter in RTP timestamp units (as a report block carries it) as time.</summary>
        public static TimeSpan ToTime(double units, int clockRate) => TimeSpan.FromTicks((long)(units * TimeSpan.TicksPerSecond / clockRate));

        /// <param name="rtpTimestamp">The packet's RTP timestamp.</param>
        /// <param name="arrival">When it arrived, on any monotonic clock.</param>
        public void OnPacket(uint rtpTimestamp, TimeSpan arrival)
        {
            // Arrival in timestamp units, wrapped to 32 bits like the RTP timestamp, so their difference is the transit.
            uint arrivalUnits = unchecked((uint)(arrival.Ticks * _clockRate / TimeSpan.TicksPerSecond));
            long transit = unchecked((int)(arrivalUnits - rtpTimestamp));
            if (_started)
            {
                long d = Math.Abs(transit - _lastTransit);
                _jitter += (d - _jitter) / 16;
            }
            _started = true;
            _lastTransit = transit;
        }
    }
}
