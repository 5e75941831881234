namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>
    /// SDP that does not follow RFC 8866 or a typed attribute that cannot be read. Messages name the line and attribute
    /// but never echo values, because SDP carries ice-pwd.
    /// </summary>
    public sealed class SdpFormatException : WireFormatException
    {
        public SdpFormatException(string message, long offset = -1) : base("SDP", message, offset)
        {
        }
    }
}
