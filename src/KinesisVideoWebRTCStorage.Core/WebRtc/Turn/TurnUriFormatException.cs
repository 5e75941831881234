namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>A TURN URI that does not follow RFC 7065 (<c>turn:</c> or <c>turns:</c>, host, optional port and transport).</summary>
    public sealed class TurnUriFormatException : WireFormatException
    {
        public TurnUriFormatException(string message) : base("TURN URI", message)
        {
        }
    }
}
