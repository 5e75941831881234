using System;
using System.Collections.Generic;
using System.Threading;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using KinesisVideoWebRTCStorage.WebRtc.Sender;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>
    /// The sending half of a track: H.264 access units (Annex-B) or Opus packets in, SRTP out. Until the connection is up
    /// and the track negotiated, frames are refused (<see cref="SendFrame"/> returns false) rather than queued, because
    /// live media that waited would arrive stale.
    /// </summary>
    public sealed class RtcRtpSender
    {
        private readonly object _sendLock;
        private readonly uint _timestampBase;
        private readonly ushort _initialSequence;
        private IRtpPacketSink? _output;
        private H264Packetizer? _h264;
        private OpusPacketizer? _opus;
        private CongestionControlInterceptor? _congestion;
        private long _framesSent, _framesRefused;
        private bool _running;

        internal RtcRtpSender(MediaTrackKind kind, object sendLock, Random random)
        {
            Kind = kind;
            _sendLock = sendLock;
            Ssrc = (uint)random.Next(1, int.MaxValue);
            _initialSequence = (ushort)random.Next(0, 1 << 15); // low half: room before the first wrap, as libwebrtc does
            _timestampBase = (uint)random.Next();
            ClockRate = kind == MediaTrackKind.Video ? H264Packetizer.ClockRate : OpusPacketizer.ClockRate;
        }

        public MediaTrackKind Kind { get; }
        public uint Ssrc { get; }
        public int ClockRate { get; }

        /// <summary>What the answer settled for this track; null until negotiated or when the peer did not accept it.</summary>
        public SdpNegotiatedMedia? Negotiated { get; private set; }

        /// <summary>A PLI or FIR arrived: the next video frame sent should be a keyframe. Raised on a network thread.</summary>
        public event EventHandler<KeyframeRequestedEventArgs>? KeyframeRequested;

        public long FramesSent => Interlocked.Read(ref _framesSent);

        /// <summary>
        /// What the link is estimated to carry, in bits per second, once congestion control found it short of what was
        /// sent; null while unconstrained (or without congestion control), when pre-encoded media need not be thinned.
        /// </summary>
        public long? TargetBitrate => _congestion?.Estimator is { IsConstrained: true } estimator ? estimator.Target : (long?)null;

        /// <summary>Frames refused because the connection was not (or no longer) up.</summary>
        public long FramesRefused => Interlocked.Read(ref _framesRefused);

        internal void Negotiate(SdpNegotiatedMedia? negotiated) => Negotiated = negotiated;

        internal RtpStreamInfo StreamInfo() =>
            new RtpStreamInfo(Kind, Ssrc, ClockRate, Negotiated?.Extensions ?? Array.Empty<SdpExtmap>(), Negotiated?.Feedback ?? Array.Empty<SdpRtcpFeedback>());

        /// <param name="output">Where packets go: a pacer's lane when congestion control runs, otherwise the connection's transmit path.</param>
        /// <param name="congestion">Congestion control, whose transport-wide sequence numbers the packetizer leaves room for; or null.</param>
        internal void Start(IRtpPacketSink output, int maxPayloadSize, CongestionControlInterceptor? congestion)
        {
            if (Negotiated == null) return;
            int transportSequenceId = congestion != null ? StreamInfo().TransportSequenceExtensionId : 0;
            lock (_sendLock)
            {
                _congestion = congestion;
                _output = output;
                if (Kind == MediaTrackKind.Video) _h264 = new H264Packetizer(Ssrc, (byte)Negotiated.PayloadType, _initialSequence, maxPayloadSize, transportSequenceId);
                else _opus = new OpusPacketizer(Ssrc, (byte)Negotiated.PayloadType, _initialSequence, maxPayloadSize, transportSequenceId);
                _running = true;
            }
        }

        internal void Stop()
        {
            lock (_sendLock) _running = false;
        }

        /// <summary>
        /// Packetizes and sends one frame: an H.264 access unit in Annex-B (SPS and PPS are repeated before each IDR) or
        /// one Opus packet, stamped with its media timestamp. Returns false, sending nothing, when not connected.
        /// </summary>
        public bool SendFrame(ReadOnlySpan<byte> payload, TimeSpan timestamp)
        {
            lock (_sendLock)
            {
                if (!_running)
                {
                    _framesRefused++;
                    return false;
                }
                uint rtpTimestamp = unchecked(_timestampBase + (uint)(timestamp.Ticks * ClockRate / TimeSpan.TicksPerSecond));
                if (_h264 != null) _h264.Packetize(payload, rtpTimestamp, _output!);
                else _opus!.Packetize(payload, rtpTimestamp, _output!);
                _framesSent++;
                return true;
            }
        }

        internal void OnKeyframeRequested(KeyframeRequestedEventArgs request)
        {
            lock (_sendLock)
            {
                if (!_running) return; // a request to a stopped stream has nobody to serve it
            }
            KeyframeRequested?.Invoke(this, request);
        }

        /// <summary>The stream's statistics, from the connection's interceptors that keep them.</summary>
        internal RtcOutboundRtpStats Stats(SenderReportInterceptor reports, NackResponderInterceptor nacks, RembInterceptor remb, long keyframeRequests)
        {
            var report = reports.LastReceptionReport(Ssrc);
            var history = nacks.History(Ssrc);
            return new RtcOutboundRtpStats(Kind, Ssrc, Negotiated?.Mid, Negotiated?.Codec.ToString(), FramesSent, FramesRefused,
                reports.PacketsSent(Ssrc), reports.OctetsSent(Ssrc), history?.Retransmitted ?? 0, nacks.NacksReceived(Ssrc), keyframeRequests,
                remb.ReceivedEstimate(Ssrc), report?.CumulativeLost, reports.RoundTripTime(Ssrc),
                report is ReceptionReport block ? InterarrivalJitter.ToTime(block.Jitter, ClockRate) : (TimeSpan?)null,
                history?.RefusedTooLate ?? 0, Kind == MediaTrackKind.Video ? _congestion?.Estimator.Minimum : null);
        }
    }
}
