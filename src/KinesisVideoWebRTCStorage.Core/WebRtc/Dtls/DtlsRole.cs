namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>Who starts the handshake. SDP <c>setup:active</c> is the client, <c>setup:passive</c> the server (RFC 8842).</summary>
    public enum DtlsRole
    {
        Client,
        Server,
    }
}
