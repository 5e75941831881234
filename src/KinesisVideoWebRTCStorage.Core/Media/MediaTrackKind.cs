namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>Which track a frame belongs to.</summary>
    public enum MediaTrackKind
    {
        Video,
        Audio,
    }
}
