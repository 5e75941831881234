namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>A malformed RTP packet.</summary>
    public sealed class RtpFormatException : WireFormatException
    {
        public RtpFormatException(string message, long offset = -1) : base("RTP", message, offset)
        {
        }
    }
}
