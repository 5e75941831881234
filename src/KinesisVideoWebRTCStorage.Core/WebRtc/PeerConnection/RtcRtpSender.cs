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
        private RtpSendPipeline? _pipeline;
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

        internal RtcpFeedbackHandler? Feedback { get; private set; }

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

        /// <param name="pacer">Paces the packets when congestion control runs; null sends them as they are made.</param>
        internal void Start(SrtpSession srtp, DatagramSender send, int maxPayloadSize, PacedSender? pacer, CongestionControlInterceptor? congestion)
        {
            if (Negotiated == null) return;
            var history = new RetransmissionBuffer(Kind == MediaTrackKind.Video ? 1024 : 128);
            var reports = new SenderReportGenerator(Ssrc, ClockRate);
            var feedback = new RtcpFeedbackHandler(Ssrc, history);
            int transportSequenceId = pacer != null ? StreamInfo().TransportSequenceExtensionId : 0;
            lock (_sendLock)
            {
                _congestion = congestion;
                _pipeline = new RtpSendPipeline(srtp, send, history, reports, paced: pacer == null ? null : Kind == MediaTrackKind.Video ? pacer.Video : pacer.Audio,
                    pacedResends: pacer?.Resends);
                if (Kind == MediaTrackKind.Video) _h264 = new H264Packetizer(Ssrc, (byte)Negotiated.PayloadType, _initialSequence, maxPayloadSize, transportSequenceId);
                else _opus = new OpusPacketizer(Ssrc, (byte)Negotiated.PayloadType, _initialSequence, maxPayloadSize, transportSequenceId);
                Feedback = feedback;
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
                if (_h264 != null) _h264.Packetize(payload, rtpTimestamp, _pipeline!);
                else _opus!.Packetize(payload, rtpTimestamp, _pipeline!);
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

        /// <summary>Handles RTCP addressed to this stream: NACKs resend from history.</summary>
        internal void OnRtcp(IReadOnlyList<RtcpPacket> packets)
        {
            lock (_sendLock)
            {
                if (!_running) return;
                // Resends share the link with the media: on a link found short they get at most half the estimate.
                _pipeline!.History.MaxBitrate = TargetBitrate / 2;
                Feedback!.Handle(packets, _pipeline.Retransmissions);
            }
        }

        internal void SendReportIfDue(string cname)
        {
            lock (_sendLock)
            {
                if (_running) _pipeline!.SendSenderReportIfDue(cname);
            }
        }

        /// <param name="keyframeRequests">PLI and FIR requests for this stream the connection's interceptor raised.</param>
        internal RtcOutboundRtpStats Stats(long keyframeRequests)
        {
            lock (_sendLock)
            {
                return new RtcOutboundRtpStats(Kind, Ssrc, Negotiated?.Mid, Negotiated?.Codec.ToString(), FramesSent, FramesRefused,
                    _pipeline?.Reports.PacketCount ?? 0, _pipeline?.Reports.OctetCount ?? 0, _pipeline?.History.Retransmitted ?? 0,
                    Feedback?.NacksReceived ?? 0, keyframeRequests, Feedback?.EstimatedBitrate,
                    Feedback?.LastReceptionReport?.CumulativeLost, Feedback?.LastRoundTripTime,
                    Feedback?.LastReceptionReport is ReceptionReport report ? InterarrivalJitter.ToTime(report.Jitter, ClockRate) : (TimeSpan?)null,
                    _pipeline?.History.RefusedTooLate ?? 0, Kind == MediaTrackKind.Video ? _congestion?.Estimator.Minimum : null);
            }
        }
    }
}
