namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    public enum IceTransportPolicy
    {
        All,

        /// <summary>Only relayed local candidates are gathered and used, hiding our addresses from the peer (W3C iceTransportPolicy).</summary>
        Relay,
    }
}
