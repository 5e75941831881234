using System;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc
{
    internal static class Hex
    {
        /// <summary>Parses hex written with spaces or line breaks for readability, as RFC vectors are.</summary>
        public static byte[] Parse(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace("\n", "").Replace("\r", ""));
    }
}
