namespace KinesisVideoWebRTCStorage.Media.Matroska
{
    /// <summary>Bad or unsupported Matroska/WebM input: EBML structure, blocks, lacing or codecs that cannot be used.</summary>
    public sealed class MatroskaFormatException : WireFormatException
    {
        public MatroskaFormatException(string message, long offset = -1) : base("Matroska", message, offset)
        {
        }
    }
}
