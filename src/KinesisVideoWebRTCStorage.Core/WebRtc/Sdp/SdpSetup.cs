namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>The <c>a=setup</c> DTLS role (RFC 4145, RFC 8842): active is the DTLS client, passive the server.</summary>
    public enum SdpSetup
    {
        ActPass,
        Active,
        Passive,
        HoldConn,
    }

    internal static class SdpSetupNames
    {
        public static string ToName(this SdpSetup setup) => setup switch
        {
            SdpSetup.Active => "active",
            SdpSetup.Passive => "passive",
            SdpSetup.HoldConn => "holdconn",
            _ => "actpass",
        };

        public static SdpSetup Parse(string value) => value switch
        {
            "actpass" => SdpSetup.ActPass,
            "active" => SdpSetup.Active,
            "passive" => SdpSetup.Passive,
            "holdconn" => SdpSetup.HoldConn,
            _ => throw new SdpFormatException("a=setup has an unknown role"),
        };
    }
}
