namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    /// <summary>Attribute type codes from RFC 8489, RFC 8445 and RFC 8656. Types below 0x8000 are comprehension-required.</summary>
    public static class StunAttributeType
    {
        public const ushort MappedAddress = 0x0001;
        public const ushort Username = 0x0006;
        public const ushort MessageIntegrity = 0x0008;
        public const ushort ErrorCode = 0x0009;
        public const ushort UnknownAttributes = 0x000A;
        public const ushort ChannelNumber = 0x000C;
        public const ushort Lifetime = 0x000D;
        public const ushort XorPeerAddress = 0x0012;
        public const ushort Data = 0x0013;
        public const ushort Realm = 0x0014;
        public const ushort Nonce = 0x0015;
        public const ushort XorRelayedAddress = 0x0016;
        public const ushort RequestedTransport = 0x0019;
        public const ushort MessageIntegritySha256 = 0x001C;
        public const ushort XorMappedAddress = 0x0020;
        public const ushort Priority = 0x0024;
        public const ushort UseCandidate = 0x0025;
        public const ushort Software = 0x8022;
        public const ushort Fingerprint = 0x8028;
        public const ushort IceControlled = 0x8029;
        public const ushort IceControlling = 0x802A;

        public static bool IsComprehensionRequired(ushort type) => type < 0x8000;
    }
}
