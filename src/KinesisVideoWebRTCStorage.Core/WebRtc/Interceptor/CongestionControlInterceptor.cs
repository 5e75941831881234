using System;
using System.Collections.Generic;
using System.Buffers.Binary;
using System.Threading;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// Sender-side bandwidth estimation (pion's cc interceptor with its gcc estimator): transport-wide feedback drives
    /// the delay-based estimate, reception reports about our video the loss-based one, and a REMB naming our streams
    /// caps both. <see cref="Estimator"/> is what the pacer and the media source follow.
    /// </summary>
    public sealed class CongestionControlInterceptor : RtpInterceptor
    {
        private readonly object _gate = new object();
        private readonly TransportSequenceInterceptor? _transportSequence;
        private readonly SenderReportInterceptor? _reports;
        private readonly Func<DateTime> _utcNow;
        private readonly List<PacketResult> _results = new List<PacketResult>();
        private readonly HashSet<uint> _localSsrcs = new HashSet<uint>();
        private uint _videoSsrc;
        private long _videoBytesSent, _bytesAtLastReport;
        private DateTime _lastReportAt;
        private readonly Action<string>? _trace;
        private long _tracedTarget;

        /// <param name="reports">Where the round-trip time comes from; it must come before this interceptor in the chain.</param>
        /// <param name="trace">Told each time the estimate moves by a tenth or more.</param>
        public CongestionControlInterceptor(SendSideBandwidthEstimator estimator, TransportSequenceInterceptor? transportSequence, SenderReportInterceptor? reports = null,
            Func<DateTime>? utcNow = null, Action<string>? trace = null)
        {
            _reports = reports;
            _trace = trace;
            Estimator = estimator ?? throw new ArgumentNullException(nameof(estimator));
            _transportSequence = transportSequence;
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        public SendSideBandwidthEstimator Estimator { get; }

        /// <summary>The video's round-trip time from the latest reception report that echoed one of its sender reports.</summary>
        public TimeSpan? RoundTripTime => _reports?.RoundTripTime(_videoSsrc);

        public override void BindLocalStream(RtpStreamInfo stream)
        {
            lock (_gate)
            {
                _localSsrcs.Add(stream.Ssrc);
                if (stream.Kind == MediaTrackKind.Video) _videoSsrc = stream.Ssrc;
            }
        }

        public override void OnRtpSending(Span<byte> packet, TimeSpan now)
        {
            if (packet.Length >= 12 && BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(8)) == _videoSsrc)
                Interlocked.Add(ref _videoBytesSent, packet.Length);
        }

        public override void OnRtcpReceived(IReadOnlyList<RtcpPacket> packets, TimeSpan now)
        {
            lock (_gate)
            {
                foreach (var packet in packets)
                {
                    switch (packet)
                    {
                        // Feedback is about the transport as a whole, whatever media SSRC it names.
                        case TransportLayerCc feedback when _transportSequence != null:
                            _results.Clear();
                            _transportSequence.Resolve(feedback, _results);
                            if (_results.Count > 0) Estimator.OnTransportFeedback(_results, RoundTripTime ?? TimeSpan.FromMilliseconds(100), (long)now.TotalMilliseconds);
                            break;
                        case ReceiverReport rr:
                            TakeReports(rr.Reports, now);
                            break;
                        case SenderReport sr:
                            TakeReports(sr.Reports, now);
                            break;
                        case ReceiverEstimatedMaximumBitrate remb when NamesOurs(remb):
                            Estimator.OnRemb((long)Math.Min(remb.Bitrate, long.MaxValue));
                            break;
                    }
                }
                if (_trace != null) TraceIfMoved(_trace);
            }
        }

        private void TraceIfMoved(Action<string> trace)
        {
            long target = Estimator.Target;
            if (Math.Abs(target - _tracedTarget) * 10 < _tracedTarget) return;
            _tracedTarget = target;
            trace("bandwidth estimate " + Estimator);
        }

        private bool NamesOurs(ReceiverEstimatedMaximumBitrate remb)
        {
            foreach (uint ssrc in remb.Ssrcs)
                if (_localSsrcs.Contains(ssrc)) return true;
            return false;
        }

        private void TakeReports(IReadOnlyList<ReceptionReport> reports, TimeSpan monotonicNow)
        {
            foreach (var report in reports)
            {
                if (report.Ssrc != _videoSsrc) continue;
                var now = _utcNow();
                long sent = Interlocked.Read(ref _videoBytesSent);
                double seconds = (now - _lastReportAt).TotalSeconds;
                if (_lastReportAt != default && seconds > 0) Estimator.OnReceptionReport(report.FractionLost, (long)((sent - _bytesAtLastReport) * 8 / seconds), monotonicNow);
                _bytesAtLastReport = sent;
                _lastReportAt = now;
            }
        }
    }
}
