namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>An ICE candidate attribute that does not follow RFC 8839 section 5.1.</summary>
    public sealed class IceFormatException : WireFormatException
    {
        public IceFormatException(string message) : base("ICE candidate", message)
        {
        }
    }
}
