namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>What the delay trend says about the bottleneck queue (draft-ietf-rmcat-gcc-02 §5.4).</summary>
    public enum BandwidthUsage
    {
        /// <summary>The queue is steady: the link carries what is sent.</summary>
        Normal,

        /// <summary>The queue grows: more is sent than the link carries.</summary>
        Overusing,

        /// <summary>The queue drains: the link carries more than is sent.</summary>
        Underusing,
    }
}
