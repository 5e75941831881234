using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>What our sending answer says about us.</summary>
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
        public string Cname { get; set; } = "kvs-webrtc-storage";
        public string StreamId { get; set; } = "kvs-stream";
        public string VideoTrackId { get; set; } = "kvs-video";
        public string AudioTrackId { get; set; } = "kvs-audio";

        /// <summary>RTP header extension URIs our sender writes; only these are accepted from the offer.</summary>
        public ISet<string> HeaderExtensions { get; } = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>RTCP feedback we honor; answered only when the offer has it (RFC 4585 section 4.2).</summary>
        public IReadOnlyList<SdpRtcpFeedback> SupportedFeedback { get; set; } = new[]
        {
            new SdpRtcpFeedback(-1, "nack"), new SdpRtcpFeedback(-1, "nack", "pli"), new SdpRtcpFeedback(-1, "ccm", "fir"),
            new SdpRtcpFeedback(-1, "goog-remb"),
        };
    }
}
