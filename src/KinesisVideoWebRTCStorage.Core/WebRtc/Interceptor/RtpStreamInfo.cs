using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>What an interceptor learns about one negotiated RTP stream when it is bound (pion's StreamInfo).</summary>
    public sealed class RtpStreamInfo
    {
        public RtpStreamInfo(MediaTrackKind kind, uint ssrc, int clockRate, IReadOnlyList<SdpExtmap> extensions, IReadOnlyList<SdpRtcpFeedback> feedback,
            IReadOnlyCollection<int>? payloadTypes = null)
        {
            _payloadTypes = payloadTypes == null ? System.Array.Empty<int>() : payloadTypes.ToArray();
            Kind = kind;
            Ssrc = ssrc;
            ClockRate = clockRate;
            Extensions = extensions;
            Feedback = feedback;
        }

        public MediaTrackKind Kind { get; }

        /// <summary>The stream's SSRC: ours for a local stream; for a remote one, the SSRC our feedback is sent from.</summary>
        public uint Ssrc { get; }

        public int ClockRate { get; }

        private readonly int[] _payloadTypes;

        /// <summary>
        /// Whether the stream's packets carry this payload type (known for a remote stream): how a received packet is told
        /// to be this stream's. An array, so the per-packet lookup allocates no enumerator.
        /// </summary>
        public bool Carries(int payloadType) => System.Array.IndexOf(_payloadTypes, payloadType) >= 0;
        public IReadOnlyList<SdpExtmap> Extensions { get; }
        public IReadOnlyList<SdpRtcpFeedback> Feedback { get; }

        /// <summary>The negotiated id of the transport-wide sequence number extension, or 0.</summary>
        public int TransportSequenceExtensionId => Extensions.FirstOrDefault(e => e.Uri == TransportSequenceNumber.Uri)?.Id ?? 0;

        public bool HasFeedback(string type) => Feedback.Any(f => f.Type == type);
    }
}
