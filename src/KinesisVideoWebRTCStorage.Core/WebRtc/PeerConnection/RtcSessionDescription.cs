using System;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    public enum RtcSdpType
    {
        Offer,
        Answer,
    }

    /// <summary>An SDP offer or answer as signaling carries it.</summary>
    public sealed class RtcSessionDescription
    {
        public RtcSessionDescription(RtcSdpType type, string sdp)
        {
            Type = type;
            Sdp = sdp ?? throw new ArgumentNullException(nameof(sdp));
        }

        public RtcSdpType Type { get; }
        public string Sdp { get; }

        public override string ToString() => $"{Type} ({Sdp.Length} characters)";
    }
}
