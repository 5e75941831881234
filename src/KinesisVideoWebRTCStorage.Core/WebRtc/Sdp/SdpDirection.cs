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
