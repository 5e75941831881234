namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    /// <summary>A STUN message or attribute that does not follow RFC 8489.</summary>
    public sealed class StunFormatException : WireFormatException
    {
        public StunFormatException(string message, long offset = -1) : base("STUN", message, offset)
        {
        }
    }
}
