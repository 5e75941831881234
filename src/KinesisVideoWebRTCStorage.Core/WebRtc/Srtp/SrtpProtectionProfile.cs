namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>The DTLS-SRTP protection profiles supported (RFC 5764 §4.1.2); values are the wire identifiers.</summary>
    public enum SrtpProtectionProfile : ushort
    {
        Aes128CmHmacSha1_80 = 0x0001,
        Aes128CmHmacSha1_32 = 0x0002,
    }

    /// <summary>Key sizes and tag lengths of a <see cref="SrtpProtectionProfile"/>.</summary>
    public static class SrtpProtectionProfiles
    {
        public const int MasterKeyLength = 16;
        public const int MasterSaltLength = 14;

        /// <summary>SRTCP always uses an 80-bit tag, even with the _32 profile (RFC 5764 §4.1.2).</summary>
        public const int RtcpAuthTagLength = 10;

        /// <summary>E flag plus SRTCP index.</summary>
        public const int RtcpIndexLength = 4;

        /// <summary>The most bytes protecting a packet appends; buffers handed to protect need this much spare room.</summary>
        public const int MaxTrailerLength = RtcpIndexLength + RtcpAuthTagLength;

        public static int RtpAuthTagLength(this SrtpProtectionProfile profile) => profile switch
        {
            SrtpProtectionProfile.Aes128CmHmacSha1_80 => 10,
            SrtpProtectionProfile.Aes128CmHmacSha1_32 => 4,
            _ => throw new System.ArgumentOutOfRangeException(nameof(profile)),
        };
    }
}
