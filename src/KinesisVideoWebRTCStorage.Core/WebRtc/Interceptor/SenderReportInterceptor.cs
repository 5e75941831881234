using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Sender;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// The sending half of RTCP reports (pion's report.SenderInterceptor): each stream we send counts its new packets and
    /// octets as they leave and sends a sender report when one is due (<see cref="SenderReportGenerator"/>); the reception
    /// reports the peer sends back about our streams are kept, with the round-trip time their LSR and DLSR give.
    /// </summary>
    public sealed class SenderReportInterceptor : RtpInterceptor
    {
        private readonly object _gate = new object();
        private readonly List<Stream> _streams = new List<Stream>();
        private readonly TimeSpan? _interval;
        private readonly Func<DateTime> _utcNow;
        private readonly Random _random;

        /// <param name="interval">The mean time between reports (RFC 3550 §6.3.1 randomizes each from 0.5 to 1.5 times it); 1 s when null.</param>
        public SenderReportInterceptor(TimeSpan? interval = null, Func<DateTime>? utcNow = null, Random? random = null)
        {
            _interval = interval;
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
            _random = random ?? new Random();
        }

        public override void BindLocalStream(RtpStreamInfo stream)
        {
            lock (_gate) _streams.Add(new Stream(stream, new SenderReportGenerator(stream.Ssrc, stream.ClockRate, _interval, _random)));
        }

        /// <summary>RTP data packets sent on the stream, resends not counted.</summary>
        public long PacketsSent(uint ssrc)
        {
            lock (_gate) return BoundLocalStream.Find(_streams, ssrc)?.Reports.PacketCount ?? 0;
        }

        /// <summary>Payload octets sent on the stream, resends not counted.</summary>
        public long OctetsSent(uint ssrc)
        {
            lock (_gate) return BoundLocalStream.Find(_streams, ssrc)?.Reports.OctetCount ?? 0;
        }

        /// <summary>The latest report block about the stream from an SR or RR, or null.</summary>
        public ReceptionReport? LastReceptionReport(uint ssrc)
        {
            lock (_gate) return BoundLocalStream.Find(_streams, ssrc)?.LastReport;
        }

        /// <summary>The round-trip time from the latest report about the stream that echoed one of its sender reports, or null.</summary>
        public TimeSpan? RoundTripTime(uint ssrc)
        {
            lock (_gate) return BoundLocalStream.Find(_streams, ssrc)?.RoundTripTime;
        }

        public override void OnRtpSending(Span<byte> packet, TimeSpan now)
        {
            if (!RtpPacket.TryParse(packet, out var parsed)) return;
            lock (_gate)
            {
                var stream = BoundLocalStream.Find(_streams, parsed.Header.Ssrc);
                if (stream == null || !stream.IsNew(parsed.Header.SequenceNumber)) return; // a resend is not new media
                stream.Reports.OnPacketSent(parsed.Header.Timestamp, parsed.Payload.Length, _utcNow());
            }
        }

        public override void OnRtcpReceived(IReadOnlyList<RtcpPacket> packets, TimeSpan now)
        {
            lock (_gate)
            {
                foreach (var packet in packets)
                {
                    if (packet is ReceiverReport rr) TakeReports(rr.Reports);
                    else if (packet is SenderReport sr) TakeReports(sr.Reports);
                }
            }
        }

        private void TakeReports(IReadOnlyList<ReceptionReport> reports)
        {
            foreach (var report in reports)
            {
                var stream = BoundLocalStream.Find(_streams, report.Ssrc);
                if (stream == null) continue;
                stream.LastReport = report;
                stream.RoundTripTime = Rtcp.RoundTripTime.FromReport(report, _utcNow()) ?? stream.RoundTripTime;
            }
        }

        public override void OnTick(TimeSpan now, List<RtcpPacket> outgoing)
        {
            var utcNow = _utcNow();
            lock (_gate)
            {
                foreach (var stream in _streams)
                    if (stream.Reports.IsDue(utcNow)) outgoing.Add(stream.Reports.CreateReport(utcNow));
            }
        }

        private sealed class Stream : BoundLocalStream
        {
            public Stream(RtpStreamInfo info, SenderReportGenerator reports) : base(info) => Reports = reports;

            public SenderReportGenerator Reports { get; }
            public ReceptionReport? LastReport { get; set; }
            public TimeSpan? RoundTripTime { get; set; }
        }
    }
}
