using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Ice;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>A snapshot of a connection's counters, like the W3C getStats() report.</summary>
    public sealed class RtcStatsReport
    {
        internal RtcStatsReport(RtcPeerConnectionState state, IceConnectionState iceState, string? selectedPair, string? dtlsRole,
            string? srtpProfile, RtcTransportStats transport, IReadOnlyList<RtcOutboundRtpStats> outbound, IReadOnlyList<RtcInboundRtpStats> inbound)
        {
            State = state;
            IceState = iceState;
            SelectedCandidatePair = selectedPair;
            DtlsRole = dtlsRole;
            SrtpProfile = srtpProfile;
            Transport = transport;
            Outbound = outbound;
            Inbound = inbound;
        }

        public RtcPeerConnectionState State { get; }
        public IceConnectionState IceState { get; }

        /// <summary>"local type address -> remote type address" of the pair media uses, or null.</summary>
        public string? SelectedCandidatePair { get; }
        public string? DtlsRole { get; }
        public string? SrtpProfile { get; }
        public RtcTransportStats Transport { get; }
        public IReadOnlyList<RtcOutboundRtpStats> Outbound { get; }
        public IReadOnlyList<RtcInboundRtpStats> Inbound { get; }
    }

    /// <summary>Drops and failures below RTP: what hostile or broken input cost.</summary>
    public sealed class RtcTransportStats
    {
        internal RtcTransportStats(long stunBadIntegrityDropped, long stunMalformedDropped, long unauthenticatedDataDropped,
            long srtpAuthenticationFailures, long srtpReplaysDropped, long srtpMalformedDropped, long rtcpMalformedDropped, long injectedLossDropped)
        {
            StunBadIntegrityDropped = stunBadIntegrityDropped;
            StunMalformedDropped = stunMalformedDropped;
            UnauthenticatedDataDropped = unauthenticatedDataDropped;
            SrtpAuthenticationFailures = srtpAuthenticationFailures;
            SrtpReplaysDropped = srtpReplaysDropped;
            SrtpMalformedDropped = srtpMalformedDropped;
            RtcpMalformedDropped = rtcpMalformedDropped;
            InjectedLossDropped = injectedLossDropped;
        }

        /// <summary>STUN checks whose USERNAME or MESSAGE-INTEGRITY did not match our credentials; none is answered.</summary>
        public long StunBadIntegrityDropped { get; }
        public long StunMalformedDropped { get; }

        /// <summary>DTLS and SRTP datagrams from an address no connectivity check authenticated.</summary>
        public long UnauthenticatedDataDropped { get; }

        /// <summary>SRTP and SRTCP packets whose authentication tag did not verify.</summary>
        public long SrtpAuthenticationFailures { get; }

        /// <summary>SRTP and SRTCP packets already received, or older than the replay window.</summary>
        public long SrtpReplaysDropped { get; }

        /// <summary>SRTP and SRTCP packets too short, or with a header that does not fit.</summary>
        public long SrtpMalformedDropped { get; }
        public long RtcpMalformedDropped { get; }

        /// <summary>Packets the <see cref="RtcConfiguration.InjectedSendLoss"/> test hook dropped.</summary>
        public long InjectedLossDropped { get; }
    }

    /// <summary>One sending track (W3C outbound-rtp).</summary>
    public sealed class RtcOutboundRtpStats
    {
        internal RtcOutboundRtpStats(MediaTrackKind kind, uint ssrc, string? mid, string? codec, long framesSent, long framesRefused,
            long packetsSent, long bytesSent, long retransmittedPackets, long nacksReceived, long keyframeRequests, ulong? estimatedBitrate,
            int? remoteCumulativeLost, TimeSpan? roundTripTime = null, TimeSpan? remoteJitter = null, long retransmissionsRefusedLate = 0,
            long? bandwidthEstimateMinimum = null)
        {
            BandwidthEstimateMinimum = bandwidthEstimateMinimum;
            RetransmissionsRefusedLate = retransmissionsRefusedLate;
            RoundTripTime = roundTripTime;
            RemoteJitter = remoteJitter;
            Kind = kind;
            Ssrc = ssrc;
            Mid = mid;
            Codec = codec;
            FramesSent = framesSent;
            FramesRefused = framesRefused;
            PacketsSent = packetsSent;
            BytesSent = bytesSent;
            RetransmittedPackets = retransmittedPackets;
            NacksReceived = nacksReceived;
            KeyframeRequests = keyframeRequests;
            EstimatedBitrate = estimatedBitrate;
            RemoteCumulativeLost = remoteCumulativeLost;
        }

        public MediaTrackKind Kind { get; }
        public uint Ssrc { get; }
        public string? Mid { get; }
        public string? Codec { get; }
        public long FramesSent { get; }
        public long FramesRefused { get; }
        public long PacketsSent { get; }

        /// <summary>RTP payload bytes of first transmissions.</summary>
        public long BytesSent { get; }
        public long RetransmittedPackets { get; }
        public long NacksReceived { get; }

        /// <summary>PLI and FIR requests received.</summary>
        public long KeyframeRequests { get; }

        /// <summary>The receiver's latest REMB estimate in bits per second.</summary>
        public ulong? EstimatedBitrate { get; }

        /// <summary>Packets the receiver reported lost in its latest report block.</summary>
        public int? RemoteCumulativeLost { get; }

        /// <summary>From the receiver's reports (LSR/DLSR, RFC 3550 section 6.4.1); null until one echoes our sender report.</summary>
        public TimeSpan? RoundTripTime { get; }

        /// <summary>The interarrival jitter the receiver last reported for this stream.</summary>
        public TimeSpan? RemoteJitter { get; }

        /// <summary>NACKed packets not resent because they could no longer arrive in time.</summary>
        public long RetransmissionsRefusedLate { get; }

        /// <summary>The lowest loss-based bandwidth estimate for this stream, in bits per second; null if the link never fell short.</summary>
        public long? BandwidthEstimateMinimum { get; }
    }

    /// <summary>One receiving track (W3C inbound-rtp).</summary>
    public sealed class RtcInboundRtpStats
    {
        internal RtcInboundRtpStats(MediaTrackKind kind, uint? ssrc, string? mid, long packetsReceived, long bytesReceived, long packetsLost,
            long framesReceived, long keyFramesReceived, long framesDropped, long nacksSent, long pictureLossIndicationsSent)
        {
            Kind = kind;
            Ssrc = ssrc;
            Mid = mid;
            PacketsReceived = packetsReceived;
            BytesReceived = bytesReceived;
            PacketsLost = packetsLost;
            FramesReceived = framesReceived;
            KeyFramesReceived = keyFramesReceived;
            FramesDropped = framesDropped;
            NacksSent = nacksSent;
            PictureLossIndicationsSent = pictureLossIndicationsSent;
        }

        public MediaTrackKind Kind { get; }
        public uint? Ssrc { get; }
        public string? Mid { get; }
        public long PacketsReceived { get; }
        public long BytesReceived { get; }
        public long PacketsLost { get; }
        public long FramesReceived { get; }
        public long KeyFramesReceived { get; }
        public long FramesDropped { get; }
        public long NacksSent { get; }
        public long PictureLossIndicationsSent { get; }
    }
}
