using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>What an answer settled for one m-line: what the RTP layer needs to packetize, depacketize, and to honor or send feedback.</summary>
    public sealed class SdpNegotiatedMedia
    {
        internal SdpNegotiatedMedia(string kind, string mid, SdpRtpMap codec, SdpFmtp? fmtp, IReadOnlyList<SdpRtcpFeedback> feedback,
            IReadOnlyList<SdpExtmap> extensions, uint ssrc)
        {
            Kind = kind;
            Mid = mid;
            Codec = codec;
            Fmtp = fmtp;
            Feedback = feedback;
            Extensions = extensions;
            Ssrc = ssrc;
        }

        public string Kind { get; }
        public string Mid { get; }
        public SdpRtpMap Codec { get; }
        public int PayloadType => Codec.PayloadType;
        public SdpFmtp? Fmtp { get; }
        public IReadOnlyList<SdpRtcpFeedback> Feedback { get; }
        public IReadOnlyList<SdpExtmap> Extensions { get; }
        public uint Ssrc { get; }

        public override string ToString() => $"{Kind} mid={Mid} {Codec}";
    }
}
