using System;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>The upper-case, colon-separated hex of certificate fingerprints (RFC 8122), e.g. "AB:CD:01".</summary>
    internal static class ColonHex
    {
        public static string Format(ReadOnlySpan<byte> bytes)
        {
            var text = new StringBuilder(bytes.Length * 3);
            for (int i = 0; i < bytes.Length; i++)
            {
                if (i > 0) text.Append(':');
                text.Append(bytes[i].ToString("X2"));
            }
            return text.ToString();
        }
    }
}
