using System;
using System.Collections.Generic;
using System.Threading;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// The receiver's own bandwidth estimate, sent as REMB (draft-alvestrand-rmcat-remb), as libwebrtc's single-stream
    /// remote estimator does: without the sender's send times, the video's RTP timestamps stand for them, so each frame
    /// is one group, and the delay-based estimator the sender runs on transport-wide feedback finds the overuse. Sent
    /// every second, and at once when the estimate falls by 3 % or more. Like libwebrtc, a receiver does this only for a
    /// sender without transport-wide feedback: one that has it estimates from its own send times, which a receiver
    /// cannot know. As a sender, it keeps the latest REMB the peer sent about our streams, for the statistics.
    /// </summary>
    /// <remarks>
    /// Only new packets count: a retransmission carries its frame's old timestamp, and its lateness says nothing about
    /// the queue. A burst's dispersion is not read here either, since the pacer, not the link, spreads a keyframe's
    /// packets that share one timestamp.
    /// </remarks>
    public sealed class RembInterceptor : RtpInterceptor
    {
        public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
        private const int MaxPending = 4096;

        private readonly object _gate = new object();
        private readonly DelayBasedBandwidthEstimator _estimator;
        private readonly List<PacketResult> _pending = new List<PacketResult>();
        private RtpStreamInfo? _stream;
        private uint _mediaSsrc;
        private HighestSequence _highest;
        private uint _lastTimestamp;
        private long _extendedTimestamp;
        private long _lastSent;
        private TimeSpan? _lastSentAt;
        private readonly Dictionary<uint, ulong> _received = new Dictionary<uint, ulong>();
        private readonly HashSet<uint> _localSsrcs = new HashSet<uint>();

        /// <param name="startBitrate">Where the estimate starts: high, so that it caps nothing until the link is found short.</param>
        public RembInterceptor(long startBitrate = 50_000_000, long minBitrate = 100_000, long maxBitrate = 50_000_000) =>
            _estimator = new DelayBasedBandwidthEstimator(startBitrate, minBitrate, maxBitrate, measureBursts: false);

        public override void BindRemoteStream(RtpStreamInfo stream)
        {
            if (stream.Kind != MediaTrackKind.Video || !stream.HasFeedback("goog-remb") || stream.HasFeedback("transport-cc")) return;
            Volatile.Write(ref _stream, stream);
        }

        public override void OnRtpReceived(in RtpPacket packet, int length, TimeSpan arrival, List<RtcpPacket> feedback)
        {
            var stream = Volatile.Read(ref _stream);
            if (stream == null) return; // not bound: no lock taken per packet
            lock (_gate)
            {
                if (!stream.Carries(packet.Header.PayloadType)) return;
                if (_mediaSsrc == 0) _mediaSsrc = packet.Header.Ssrc;
                if (packet.Header.Ssrc != _mediaSsrc) return;
                bool first = !_highest.HasValue;
                if (_highest.Advance(packet.Header.SequenceNumber) <= 0) return;
                uint timestamp = packet.Header.Timestamp;
                _extendedTimestamp = first ? timestamp : _extendedTimestamp + unchecked((int)(timestamp - _lastTimestamp));
                _lastTimestamp = timestamp;
                if (_pending.Count < MaxPending)
                    _pending.Add(new PacketResult(_extendedTimestamp * 1_000_000 / stream.ClockRate, Math.Max(arrival.Ticks / 10, 0), length));
            }
        }

        /// <summary>The latest REMB the peer sent naming our stream, in bits per second, or null.</summary>
        public ulong? ReceivedEstimate(uint localSsrc)
        {
            lock (_gate) return _received.TryGetValue(localSsrc, out ulong bitrate) ? bitrate : (ulong?)null;
        }

        public override void OnRtcpReceived(IReadOnlyList<RtcpPacket> packets, TimeSpan now)
        {
            foreach (var packet in packets)
            {
                if (!(packet is ReceiverEstimatedMaximumBitrate remb)) continue;
                lock (_gate)
                {
                    // Only streams we send: a peer cannot grow this with SSRCs of its choosing.
                    foreach (uint ssrc in remb.Ssrcs)
                        if (_localSsrcs.Contains(ssrc)) _received[ssrc] = remb.Bitrate;
                }
            }
        }

        public override void BindLocalStream(RtpStreamInfo stream)
        {
            lock (_gate) _localSsrcs.Add(stream.Ssrc);
        }

        public override void OnTick(TimeSpan now, List<RtcpPacket> outgoing)
        {
            lock (_gate)
            {
                if (_mediaSsrc == 0) return;
                if (_pending.Count > 0)
                {
                    _estimator.OnFeedback(_pending, TimeSpan.FromMilliseconds(100), (long)now.TotalMilliseconds);
                    _pending.Clear();
                }
                long estimate = _estimator.Estimate;
                bool due = _lastSentAt is not TimeSpan last || now - last >= Interval || estimate * 100 <= _lastSent * 97;
                if (!due) return;
                _lastSent = estimate;
                _lastSentAt = now;
                outgoing.Add(new ReceiverEstimatedMaximumBitrate(_stream!.Ssrc, (ulong)estimate, new[] { _mediaSsrc }));
            }
        }
    }
}
