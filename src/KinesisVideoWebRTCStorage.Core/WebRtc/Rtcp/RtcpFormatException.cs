namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>A malformed RTCP packet.</summary>
    public sealed class RtcpFormatException : WireFormatException
    {
        public RtcpFormatException(string message, long offset = -1) : base("RTCP", message, offset)
        {
            Detail = message;
        }

        /// <summary>The message without the format prefix, so an enclosing parser can re-anchor the offset.</summary>
        internal string Detail { get; }
    }
}
