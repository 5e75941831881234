using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;

namespace KinesisVideoWebRTCStorage.WebRtc.Sender
{
    /// <summary>
    /// Counts what one outgoing stream sent and produces its sender reports (RFC 3550 §6.4.1): the RTP timestamp in an SR
    /// is extrapolated from the latest frame's timestamp and send time, so receivers can map it to wall clock for
    /// lip sync. Reports are due at a randomized 0.5–1.5 × interval (§6.3.1) to avoid synchronized senders.
    /// The sending thread counts and a timer thread reports, so both sides take a lock.
    /// </summary>
    public sealed class SenderReportGenerator
    {
        private readonly int _clockRate;
        private readonly TimeSpan _interval;
        private readonly Random _random;
        private bool _anchored;
        private uint _anchorTimestamp;
        private DateTime _anchorTime;
        private DateTime _nextReport;
        private readonly object _gate = new object();

        public SenderReportGenerator(uint ssrc, int clockRate, TimeSpan? interval = null, Random? random = null)
        {
            if (clockRate <= 0) throw new ArgumentOutOfRangeException(nameof(clockRate));
            Ssrc = ssrc;
            _clockRate = clockRate;
            _interval = interval ?? TimeSpan.FromSeconds(1);
            _random = random ?? new Random();
        }

        public uint Ssrc { get; }

        /// <summary>RTP data packets sent, wrapping at 2^32 as the SR field does.</summary>
        public uint PacketCount { get; private set; }

        /// <summary>Payload octets sent (headers and padding excluded), wrapping at 2^32.</summary>
        public uint OctetCount { get; private set; }

        public void OnPacketSent(uint rtpTimestamp, int payloadLength, DateTime utcNow)
        {
            lock (_gate) Count(rtpTimestamp, payloadLength, utcNow);
        }

        private void Count(uint rtpTimestamp, int payloadLength, DateTime utcNow)
        {
            PacketCount++;
            OctetCount += (uint)payloadLength;
            // Packets of one frame share a timestamp; the first one's send time is the closest to its capture time.
            if (!_anchored || rtpTimestamp != _anchorTimestamp)
            {
                if (!_anchored) _nextReport = utcNow; // a first SR right away lets the receiver sync early
                _anchored = true;
                _anchorTimestamp = rtpTimestamp;
                _anchorTime = utcNow;
            }
        }

        /// <summary>True once a packet was sent and the randomized interval since the last report has passed.</summary>
        public bool IsDue(DateTime utcNow)
        {
            lock (_gate) return _anchored && utcNow >= _nextReport;
        }

        /// <summary>Creates the report for <paramref name="utcNow"/> and schedules the next one.</summary>
        public SenderReport CreateReport(DateTime utcNow, IReadOnlyList<ReceptionReport>? receptionReports = null)
        {
            lock (_gate) return CreateReportLocked(utcNow, receptionReports);
        }

        private SenderReport CreateReportLocked(DateTime utcNow, IReadOnlyList<ReceptionReport>? receptionReports)
        {
            uint rtpTimestamp = _anchored
                ? unchecked(_anchorTimestamp + (uint)(long)Math.Round((utcNow - _anchorTime).TotalSeconds * _clockRate))
                : 0;
            _nextReport = utcNow + TimeSpan.FromTicks((long)(_interval.Ticks * (0.5 + _random.NextDouble())));
            return new SenderReport(Ssrc, NtpTime.FromDateTime(utcNow), rtpTimestamp, PacketCount, OctetCount, receptionReports);
        }
    }
}
