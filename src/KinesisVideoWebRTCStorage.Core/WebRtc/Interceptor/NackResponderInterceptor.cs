using System;
using System.Collections.Generic;
using System.Buffers.Binary;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Sender;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// The sending half of NACK (pion's nack.ResponderInterceptor): each stream we send keeps its recent packets as they
    /// leave (<see cref="RetransmissionBuffer"/>), and a generic NACK naming them resends those still worth it. A packet
    /// is kept from the moment it really leaves, after the pacer, so its age counts the time it could have been on
    /// the link and not the time it waited to go.
    /// </summary>
    /// <remarks>
    /// Resends go to <c>resends</c> (the pacer's resend lane, or the wire) under the connection's send lock, the lock
    /// <see cref="OnRtpSending"/> is called under, so the history's own lock is always taken after it.
    /// </remarks>
    public sealed class NackResponderInterceptor : RtpInterceptor
    {
        private readonly object _gate = new object();
        private readonly object _sendLock;
        private readonly IRtpPacketSink _resends;
        private readonly Func<uint, TimeSpan?> _roundTripTime;
        private readonly Func<long?> _maxBitrate;
        private readonly Func<TimeSpan>? _clock;
        private readonly List<Stream> _streams = new List<Stream>();

        /// <param name="sendLock">The lock the connection sends under.</param>
        /// <param name="resends">Where resent packets go; they are copies with SRTP trailer room, valid during the call.</param>
        /// <param name="roundTripTime">The latest RTT measured for a stream, or null: half of it is counted for the way there.</param>
        /// <param name="maxBitrate">The cap on resent bits per second now, or null for none.</param>
        /// <param name="clock">The histories' monotonic clock; a Stopwatch when null.</param>
        public NackResponderInterceptor(object sendLock, IRtpPacketSink resends, Func<uint, TimeSpan?>? roundTripTime = null, Func<long?>? maxBitrate = null,
            Func<TimeSpan>? clock = null)
        {
            _sendLock = sendLock ?? throw new ArgumentNullException(nameof(sendLock));
            _resends = resends ?? throw new ArgumentNullException(nameof(resends));
            _roundTripTime = roundTripTime ?? (_ => null);
            _maxBitrate = maxBitrate ?? (() => null);
            _clock = clock;
        }

        public override void BindLocalStream(RtpStreamInfo stream)
        {
            // A second of 2 Mbit/s video is about 200 packets; audio needs few. The bytes grow with the stream's rate.
            var history = stream.Kind == MediaTrackKind.Video
                ? new RetransmissionBuffer(1024, clock: _clock)
                : new RetransmissionBuffer(128, clock: _clock, maxBytes: 64 * 1024);
            lock (_gate) _streams.Add(new Stream(stream, history));
        }

        /// <summary>The history of one of our streams, for its counters; null when not bound.</summary>
        public RetransmissionBuffer? History(uint ssrc)
        {
            lock (_gate) return BoundLocalStream.Find(_streams, ssrc)?.History;
        }

        /// <summary>NACK messages received about the stream.</summary>
        public long NacksReceived(uint ssrc)
        {
            lock (_gate) return BoundLocalStream.Find(_streams, ssrc)?.NacksReceived ?? 0;
        }

        public override void OnRtpSending(Span<byte> packet, TimeSpan now)
        {
            Stream? stream;
            lock (_gate)
            {
                stream = BoundLocalStream.Find(_streams, packet);
                if (stream == null || !stream.IsNew(BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2)))) return; // a resend is held already
            }
            if (packet.Length <= stream.History.MaxPacketSize) stream.History.Store(packet);
        }

        public override void OnRtcpReceived(IReadOnlyList<RtcpPacket> packets, TimeSpan now)
        {
            foreach (var packet in packets)
            {
                if (!(packet is TransportLayerNack nack)) continue;
                Stream? stream;
                lock (_gate)
                {
                    stream = BoundLocalStream.Find(_streams, nack.MediaSsrc);
                    if (stream == null) continue;
                    stream.NacksReceived++;
                }
                var roundTripTime = _roundTripTime(nack.MediaSsrc);
                lock (_sendLock)
                {
                    stream.History.MaxBitrate = _maxBitrate();
                    stream.History.Retransmit(nack, _resends, roundTripTime);
                }
            }
        }

        private sealed class Stream : BoundLocalStream
        {
            public Stream(RtpStreamInfo info, RetransmissionBuffer history) : base(info) => History = history;

            public RetransmissionBuffer History { get; }
            public long NacksReceived { get; set; }
        }
    }
}
