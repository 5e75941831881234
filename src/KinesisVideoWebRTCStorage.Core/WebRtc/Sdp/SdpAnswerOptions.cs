using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>What our answer says about us: the tracks we send (an SSRC of 0 sends nothing) and the kinds we receive.</summary>
    public sealed class SdpAnswerOptions
    {
        public SdpAnswerOptions(SdpLocalTransport transport, uint videoSsrc, uint audioSsrc)
        {
            if (transport.Setup != SdpSetup.Active && transport.Setup != SdpSetup.Passive)
                throw new ArgumentException("An answer takes the active or passive DTLS role.", nameof(transport));
            Transport = transport;
            VideoSsrc = videoSsrc;
            AudioSsrc = audioSsrc;
        }

        public SdpLocalTransport Transport { get; }
        public uint VideoSsrc { get; }
        public uint AudioSsrc { get; }
        /// <summary>Video is answered recvonly (or sendrecv) where the offer sends it.</summary>
        public bool ReceiveVideo { get; set; }

        /// <summary>Audio is answered recvonly (or sendrecv) where the offer sends it: a master's two-way audio.</summary>
        public bool ReceiveAudio { get; set; }

        public string Cname { get; set; } = "kvs-webrtc-storage";
        public string StreamId { get; set; } = "kvs-stream";
        public string VideoTrackId { get; set; } = "kvs-video";
        public string AudioTrackId { get; set; } = "kvs-audio";

        /// <summary>RTP header extension URIs we write or read; only these are accepted from the offer.</summary>
        public ISet<string> HeaderExtensions { get; } = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>RTCP feedback we honor as a sender and send as a receiver; answered only when the offer has it (RFC 4585 section 4.2).</summary>
        public IReadOnlyList<SdpRtcpFeedback> SupportedFeedback { get; set; } = new[]
        {
            new SdpRtcpFeedback(-1, "nack"), new SdpRtcpFeedback(-1, "nack", "pli"), new SdpRtcpFeedback(-1, "ccm", "fir"),
            new SdpRtcpFeedback(-1, "goog-remb"),
        };
    }
}
