using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Sender
{
    /// <summary>Which feedback message asked for a keyframe.</summary>
    public enum KeyframeRequestKind
    {
        PictureLossIndication,
        FullIntraRequest,
    }

    public sealed class KeyframeRequestedEventArgs : EventArgs
    {
        public KeyframeRequestedEventArgs(KeyframeRequestKind kind, uint requesterSsrc)
        {
            Kind = kind;
            RequesterSsrc = requesterSsrc;
        }

        public KeyframeRequestKind Kind { get; }
        public uint RequesterSsrc { get; }
    }
}
