using System.Globalization;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>Strict decimal parsing for SDP fields: digits only, bounded, never culture-dependent.</summary>
    internal static class SdpNumbers
    {
        public static int ParseInt(string text, string what, int max = int.MaxValue)
        {
            if (text.Length == 0 || text.Length > 10 || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > max)
                throw new SdpFormatException($"{what} is not a valid number");
            return (int)value;
        }

        public static uint ParseUInt32(string text, string what)
        {
            if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value))
                throw new SdpFormatException($"{what} is not a valid number");
            return value;
        }

        public static int ParsePayloadType(string text, string what) => ParseInt(text, what + " payload type", 127);
    }
}
