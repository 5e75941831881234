namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    public enum IceCandidateType
    {
        Host,
        ServerReflexive,
        PeerReflexive,
        Relayed,
    }

    internal static class IceCandidateTypeNames
    {
        public static string ToName(this IceCandidateType type) => type switch
        {
            IceCandidateType.ServerReflexive => "srflx",
            IceCandidateType.PeerReflexive => "prflx",
            IceCandidateType.Relayed => "relay",
            _ => "host",
        };

        /// <summary>RFC 8445 section 5.1.2.2 recommended type preferences.</summary>
        public static int Preference(this IceCandidateType type) => type switch
        {
            IceCandidateType.Host => 126,
            IceCandidateType.PeerReflexive => 110,
            IceCandidateType.ServerReflexive => 100,
            _ => 0,
        };
    }
}
