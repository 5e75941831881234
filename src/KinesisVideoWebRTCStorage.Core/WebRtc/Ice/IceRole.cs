namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>The controlling agent nominates the pair; the offerer normally controls (RFC 8445 section 6.1.1).</summary>
    public enum IceRole
    {
        Controlling,
        Controlled,
    }
}
