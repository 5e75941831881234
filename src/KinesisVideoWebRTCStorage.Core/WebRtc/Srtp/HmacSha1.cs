using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>Chooses the HMAC-SHA1 implementation for SRTP sessions.</summary>
    internal static class HmacSha1
    {
        /// <summary>AppContext switch forcing the managed HMAC, to compare or to rule out the platform path.</summary>
        public const string UseManagedSwitch = "KinesisVideoWebRTCStorage.Srtp.UseManagedHmac";

        /// <summary>The platform HMAC where the runtime has span APIs (.NET Core 2.1+), else the managed one (.NET Framework).</summary>
        public static IHmacSha1 Create(ReadOnlySpan<byte> key) =>
            PlatformHmacSha1.IsSupported && !(AppContext.TryGetSwitch(UseManagedSwitch, out bool managed) && managed)
                ? new PlatformHmacSha1(key)
                : new Sha1Hmac(key);
    }
}
