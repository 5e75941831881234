namespace KinesisVideoWebRTCStorage.Viewer
{
    public enum ViewerEndReason
    {
        DurationReached,
        Stopped,

        /// <summary>A newer join with the same client id took this viewer's place.</summary>
        Preempted,
        Failed,
    }
}
