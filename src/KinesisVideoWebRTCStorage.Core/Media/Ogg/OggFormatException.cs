namespace KinesisVideoWebRTCStorage.Media.Ogg
{
    /// <summary>Bad Ogg or Ogg Opus input: a page, CRC, packet or header that cannot be used.</summary>
    public sealed class OggFormatException : WireFormatException
    {
        public OggFormatException(string message, long offset = -1) : base("Ogg", message, offset)
        {
        }
    }
}
