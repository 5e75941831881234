namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>A ChannelData message, or a TURN stream that cannot be split into messages (RFC 8656 sections 12.4 and 12.5).</summary>
    public sealed class TurnFormatException : WireFormatException
    {
        public TurnFormatException(string message, long offset = -1) : base("TURN", message, offset)
        {
        }
    }
}
