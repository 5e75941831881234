namespace KinesisVideoWebRTCStorage.WebRtc.Mux
{
    /// <summary>What a datagram on a bundled WebRTC 5-tuple carries.</summary>
    public enum PacketKind
    {
        Unknown,
        Stun,
        Zrtp,
        Dtls,
        Turn,
        Rtp,
    }
}
