namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    public enum SdpDirection
    {
        SendRecv,
        SendOnly,
        RecvOnly,
        Inactive,
    }

    internal static class SdpDirectionNames
    {
        public static string ToName(this SdpDirection direction) => direction switch
        {
            SdpDirection.SendOnly => "sendonly",
            SdpDirection.RecvOnly => "recvonly",
            SdpDirection.Inactive => "inactive",
            _ => "sendrecv",
        };

        /// <summary>True when the side that wrote this direction sends media on the section.</summary>
        public static bool Sends(this SdpDirection direction) => direction == SdpDirection.SendRecv || direction == SdpDirection.SendOnly;

        /// <summary>True when the side that wrote this direction receives media on the section.</summary>
        public static bool Receives(this SdpDirection direction) => direction == SdpDirection.SendRecv || direction == SdpDirection.RecvOnly;

        public static SdpDirection Of(bool sends, bool receives) =>
            sends ? (receives ? SdpDirection.SendRecv : SdpDirection.SendOnly) : (receives ? SdpDirection.RecvOnly : SdpDirection.Inactive);

        public static bool TryParse(string name, out SdpDirection direction)
        {
            switch (name)
            {
                case "sendrecv": direction = SdpDirection.SendRecv; return true;
                case "sendonly": direction = SdpDirection.SendOnly; return true;
                case "recvonly": direction = SdpDirection.RecvOnly; return true;
                case "inactive": direction = SdpDirection.Inactive; return true;
                default: direction = SdpDirection.SendRecv; return false;
            }
        }
    }
}
