namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>Bad H.264 input: an Annex-B stream, NAL unit, SPS or avcC record that cannot be used.</summary>
    public sealed class H264FormatException : WireFormatException
    {
        public H264FormatException(string message, long offset = -1) : base("H.264", message, offset)
        {
        }
    }
}
