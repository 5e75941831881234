namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    public enum IceConnectionState
    {
        New,
        Checking,
        Connected,

        /// <summary>Every pair failed after end-of-candidates, or consent (RFC 7675) expired.</summary>
        Failed,
        Closed,
    }
}
