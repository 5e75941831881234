namespace KinesisVideoWebRTCStorage.Media.Matroska
{
    /// <summary>The TrackEntry fields the demuxer needs.</summary>
    internal sealed class MatroskaTrack
    {
        public ulong Number { get; set; }
        public int Type { get; set; }
        public string CodecId { get; set; } = "";
        public byte[]? CodecPrivate { get; set; }
        public long CodecDelayNs { get; set; }
        public long DefaultDurationNs { get; set; }
        public bool HasContentEncodings { get; set; }
    }
}
