namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>SRTP protection profiles of the use_srtp extension (RFC 5764 section 4.1.2), by their wire value.</summary>
    public enum DtlsSrtpProfile
    {
        Aes128CmHmacSha1_80 = 0x0001,
        Aes128CmHmacSha1_32 = 0x0002,
    }
}
