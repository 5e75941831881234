namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    public enum IceCandidatePairState
    {
        Waiting,
        InProgress,
        Succeeded,
        Failed,
    }
}
