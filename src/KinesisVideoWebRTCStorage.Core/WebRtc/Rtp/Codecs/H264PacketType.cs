namespace KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs
{
    /// <summary>The RFC 6184 payload structures that reuse NAL types H.264 leaves unspecified (§5.2): aggregation and fragmentation.</summary>
    public static class H264PacketType
    {
        public const int StapA = 24;
        public const int FuA = 28;
    }
}
