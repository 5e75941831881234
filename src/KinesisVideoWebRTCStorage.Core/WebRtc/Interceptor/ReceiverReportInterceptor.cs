using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// The receiving half of RTCP reports (pion's report.ReceiverInterceptor): each received stream counts what arrived
    /// and what its sequence numbers say was sent, measures interarrival jitter (RFC 3550 A.8) and remembers the sender's
    /// latest SR, and every <see cref="Interval"/> one receiver report carries a block per stream, with the loss since
    /// the last report and LSR and DLSR, from which the sender computes the round-trip time.
    /// </summary>
    public sealed class ReceiverReportInterceptor : RtpInterceptor
    {
        private readonly object _gate = new object();
        private readonly List<Stream> _streams = new List<Stream>();
        private readonly Func<DateTime> _utcNow;
        private TimeSpan? _lastReportAt;

        /// <param name="interval">Time between reports; 1 s (libwebrtc's for video) when null.</param>
        public ReceiverReportInterceptor(TimeSpan? interval = null, Func<DateTime>? utcNow = null)
        {
            Interval = interval ?? TimeSpan.FromSeconds(1);
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        public TimeSpan Interval { get; }

        public override void BindRemoteStream(RtpStreamInfo stream)
        {
            lock (_gate) _streams.Add(new Stream(stream));
        }

        /// <summary>Packets of the stream (named by its feedback SSRC) expected from the sequence numbers but never received (RFC 3550 A.3).</summary>
        public long PacketsLost(uint feedbackSsrc)
        {
            lock (_gate) return BoundRemoteStream.ByFeedbackSsrc(_streams, feedbackSsrc)?.Lost ?? 0;
        }

        public override void OnRtpReceived(in RtpPacket packet, int length, TimeSpan arrival, List<RtcpPacket> feedback)
        {
            lock (_gate) BoundRemoteStream.Find(_streams, packet.Header)?.OnPacket(packet.Header, arrival);
        }

        public override void OnRtcpReceived(IReadOnlyList<RtcpPacket> packets, TimeSpan now)
        {
            lock (_gate)
            {
                foreach (var packet in packets)
                {
                    if (!(packet is SenderReport sr)) continue;
                    foreach (var stream in _streams)
                        if (stream.MediaSsrc == sr.Ssrc) stream.OnSenderReport(sr.NtpTimestamp, _utcNow());
                }
            }
        }

        public override void OnTick(TimeSpan now, List<RtcpPacket> outgoing)
        {
            var utcNow = _utcNow();
            lock (_gate)
            {
                if (_lastReportAt is TimeSpan last && now - last < Interval) return;
                List<ReceptionReport>? reports = null;
                foreach (var stream in _streams)
                    if (stream.MediaSsrc.HasValue) (reports ??= new List<ReceptionReport>()).Add(stream.Report(utcNow));
                if (reports == null) return;
                _lastReportAt = now;
                // One report from the first stream's SSRC covers every stream, as libwebrtc's does.
                outgoing.Add(new ReceiverReport(_streams[0].FeedbackSsrc, reports));
            }
        }

        private sealed class Stream : BoundRemoteStream
        {
            private readonly InterarrivalJitter _jitter;
            private HighestSequence _highest;
            private long _firstSequence, _received;
            private long _expectedAtLastReport, _lostAtLastReport;
            private ulong _lastSenderReportNtp;
            private DateTime _lastSenderReportArrival;

            public Stream(RtpStreamInfo info) : base(info) => _jitter = new InterarrivalJitter(info.ClockRate);

            private long Expected => _highest.HasValue ? _highest.Extended - _firstSequence + 1 : 0;

            public long Lost => Math.Max(0, Expected - _received);

            public void OnPacket(in RtpHeader header, TimeSpan arrival)
            {
                _received++;
                if (!_highest.HasValue) _firstSequence = header.SequenceNumber;
                // Jitter from new packets only: a retransmission's spacing says nothing about the path's queue.
                if (_highest.Advance(header.SequenceNumber) > 0) _jitter.OnPacket(header.Timestamp, arrival);
            }

            public void OnSenderReport(ulong ntpTimestamp, DateTime arrival)
            {
                _lastSenderReportNtp = ntpTimestamp;
                _lastSenderReportArrival = arrival;
            }

            public ReceptionReport Report(DateTime utcNow)
            {
                long expected = Expected, lost = Lost;
                long expectedInterval = expected - _expectedAtLastReport, lostInterval = lost - _lostAtLastReport;
                _expectedAtLastReport = expected;
                _lostAtLastReport = lost;
                byte fraction = expectedInterval <= 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
                uint lastSr = NtpTime.Middle32(_lastSenderReportNtp);
                uint delay = _lastSenderReportNtp == 0 ? 0 : (uint)((utcNow - _lastSenderReportArrival).TotalSeconds * 65536);
                return new ReceptionReport(MediaSsrc!.Value, fraction, (int)Math.Min(lost, 0x7FFFFF), (uint)_highest.Extended, _jitter.Value, lastSr, delay);
            }
        }
    }
}
