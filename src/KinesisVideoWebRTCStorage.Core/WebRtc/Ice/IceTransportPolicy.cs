namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    public enum IceTransportPolicy
    {
        All,

        /// <summary>Only relayed candidates are used, local and remote, hiding our addresses from the peer.</summary>
        Relay,
    }
}
