namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>A datagram whose DTLS record framing (RFC 6347 section 4.1) is malformed.</summary>
    public sealed class DtlsFormatException : WireFormatException
    {
        public DtlsFormatException(string message, long offset = -1) : base("DTLS", message, offset)
        {
        }
    }
}
