using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// The receiving half of NACK (pion's nack.GeneratorInterceptor): a gap in a stream's sequence numbers is NACKed
    /// the moment the packet after it arrives, and again on each RTCP tick until it is filled or asked for
    /// <see cref="MaxAttempts"/> times.
    /// </summary>
    /// <remarks>
    /// Every received stream is NACKed, audio too, whatever its m-line negotiated: a recording gains from each packet
    /// repaired, and a sender that keeps no history for a stream ignores the request.
    /// </remarks>
    public sealed class NackGeneratorInterceptor : RtpInterceptor
    {
        public const int MaxAttempts = 3;
        private const int MaxPending = 256;

        private readonly object _gate = new object();
        private readonly List<Stream> _streams = new List<Stream>();

        public override void BindRemoteStream(RtpStreamInfo stream)
        {
            lock (_gate) _streams.Add(new Stream(stream));
        }

        /// <summary>NACK messages sent for the stream our feedback about it is sent from (its receiver's SSRC).</summary>
        public long NacksSent(uint feedbackSsrc)
        {
            lock (_gate) return BoundRemoteStream.ByFeedbackSsrc(_streams, feedbackSsrc)?.NacksSent ?? 0;
        }

        public override void OnRtpReceived(in RtpPacket packet, int length, TimeSpan arrival, List<RtcpPacket> feedback)
        {
            lock (_gate)
            {
                BoundRemoteStream.Find(_streams, packet.Header)?.OnSequence(packet.Header.SequenceNumber, feedback);
            }
        }

        public override void OnTick(TimeSpan now, List<RtcpPacket> outgoing)
        {
            lock (_gate)
            {
                foreach (var stream in _streams) stream.Retry(outgoing);
            }
        }

        private sealed class Stream : BoundRemoteStream
        {
            private readonly Dictionary<ushort, int> _pending = new Dictionary<ushort, int>();
            private HighestSequence _highest;

            public Stream(RtpStreamInfo info) : base(info)
            {
            }

            public long NacksSent { get; private set; }

            public void OnSequence(ushort sequence, List<RtcpPacket> feedback)
            {
                int ahead = _highest.Advance(sequence);
                if (ahead <= 0)
                {
                    _pending.Remove(sequence); // a retransmission or a late packet filled its gap
                    return;
                }
                if (ahead > 1)
                {
                    int missing = Math.Min(ahead - 1, MaxPending);
                    var lost = new List<ushort>(missing);
                    for (int i = 1; i <= missing; i++)
                    {
                        var gap = (ushort)(sequence - ahead + i);
                        lost.Add(gap);
                        if (_pending.Count < MaxPending) _pending[gap] = 1;
                    }
                    feedback.Add(TransportLayerNack.FromLost(FeedbackSsrc, MediaSsrc!.Value, lost));
                    NacksSent++;
                }
            }

            public void Retry(List<RtcpPacket> outgoing)
            {
                if (_pending.Count == 0) return;
                var retry = _pending.Where(p => p.Value < MaxAttempts).Select(p => p.Key)
                    .OrderBy(s => SequenceNumber.Distance(_highest.Value, s)).ToList();
                foreach (var sequence in _pending.Keys.ToList())
                {
                    if (_pending[sequence] >= MaxAttempts) _pending.Remove(sequence);
                    else _pending[sequence]++;
                }
                if (retry.Count == 0) return;
                outgoing.Add(TransportLayerNack.FromLost(FeedbackSsrc, MediaSsrc!.Value, retry));
                NacksSent++;
            }
        }
    }
}
