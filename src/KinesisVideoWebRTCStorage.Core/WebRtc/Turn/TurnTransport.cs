namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>
    /// How we reach a TURN server (RFC 8656 section 3.1). The relayed address is UDP in every case; only the leg
    /// between us and the server changes.
    /// </summary>
    public enum TurnTransport
    {
        /// <summary><c>turn:host:port?transport=udp</c>, the default for <c>turn:</c>.</summary>
        Udp,

        /// <summary><c>turn:host:port?transport=tcp</c>: STUN and ChannelData framed on a TCP stream.</summary>
        Tcp,

        /// <summary><c>turns:host:port?transport=tcp</c>: the same stream inside TLS, which gets through proxies and firewalls that pass only HTTPS.</summary>
        Tls,
    }
}
