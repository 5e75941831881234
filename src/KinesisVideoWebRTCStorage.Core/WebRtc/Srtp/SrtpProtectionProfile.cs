namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>The DTLS-SRTP protection profiles supported (RFC 5764 §4.1.2, RFC 7714 §14.2); values are the wire identifiers.</summary>
    public enum SrtpProtectionProfile : ushort
    {
        Aes128CmHmacSha1_80 = 0x0001,
        Aes128CmHmacSha1_32 = 0x0002,
        AeadAes128Gcm = 0x0007,
        AeadAes256Gcm = 0x0008,
    }

    /// <summary>Key sizes and tag lengths of a <see cref="SrtpProtectionProfile"/>.</summary>
    public static class SrtpProtectionProfiles
    {
        /// <summary>SRTCP with AES-CM always uses an 80-bit tag, even with the _32 profile (RFC 5764 §4.1.2).</summary>
        public const int RtcpAuthTagLength = 10;

        /// <summary>The AES-GCM tag (RFC 7714 §14.2), for SRTP and SRTCP alike.</summary>
        public const int AeadTagLength = 16;

        /// <summary>E flag plus SRTCP index.</summary>
        public const int RtcpIndexLength = 4;

        /// <summary>The most bytes protecting an RTCP packet appends (AES-GCM's tag and index); buffers handed to protect need this much spare room.</summary>
        public const int MaxTrailerLength = RtcpIndexLength + AeadTagLength;

        /// <summary>The most bytes protecting an RTP packet appends (AES-GCM's tag).</summary>
        public const int MaxRtpTrailerLength = AeadTagLength;

        public static bool IsAead(this SrtpProtectionProfile profile) =>
            profile == SrtpProtectionProfile.AeadAes128Gcm || profile == SrtpProtectionProfile.AeadAes256Gcm;

        public static int MasterKeyLength(this SrtpProtectionProfile profile) => profile == SrtpProtectionProfile.AeadAes256Gcm ? 32 : Known(profile, 16);

        /// <summary>112 bits for AES-CM (RFC 3711), 96 for AES-GCM (RFC 7714 §11).</summary>
        public static int MasterSaltLength(this SrtpProtectionProfile profile) => profile.IsAead() ? 12 : Known(profile, 14);

        public static int RtpAuthTagLength(this SrtpProtectionProfile profile) => profile switch
        {
            SrtpProtectionProfile.Aes128CmHmacSha1_80 => 10,
            SrtpProtectionProfile.Aes128CmHmacSha1_32 => 4,
            SrtpProtectionProfile.AeadAes128Gcm => AeadTagLength,
            SrtpProtectionProfile.AeadAes256Gcm => AeadTagLength,
            _ => throw new System.ArgumentOutOfRangeException(nameof(profile)),
        };

        private static int Known(SrtpProtectionProfile profile, int length) =>
            System.Enum.IsDefined(typeof(SrtpProtectionProfile), profile) ? length : throw new System.ArgumentOutOfRangeException(nameof(profile));
    }
}
