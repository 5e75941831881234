using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>Chooses the HMAC-SHA1 implementation for SRTP sessions.</summary>
    internal static class HmacSha1
    {
        /// <summary>AppContext switch forcing the managed HMAC, to compare or to rule out the platform path.</summary>
        public const string UseManagedSwitch = "KinesisVideoWebRTCStorage.Srtp.UseManagedHmac";

        /// <summary>
        /// OpenSSL's HMAC directly where libcrypto is usable (<see cref="LibCrypto"/>), else the runtime's where it has span
        /// APIs (.NET Core 2.1+), else the managed one (.NET Framework).
        /// </summary>
        public static IHmacSha1 Create(ReadOnlySpan<byte> key)
        {
            if (AppContext.TryGetSwitch(UseManagedSwitch, out bool managed) && managed) return new Sha1Hmac(key);
            if (LibCrypto.IsAvailable) return new LibCryptoHmacSha1(key);
            return PlatformHmacSha1.IsSupported ? new PlatformHmacSha1(key) : (IHmacSha1)new Sha1Hmac(key);
        }
    }
}
