using System.Globalization;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>An <c>a=rtpmap:&lt;pt&gt; &lt;encoding&gt;/&lt;clock&gt;[/&lt;channels&gt;]</c> value.</summary>
    public sealed class SdpRtpMap
    {
        public SdpRtpMap(int payloadType, string encoding, int clockRate, int? channels = null)
        {
            PayloadType = payloadType;
            Encoding = encoding;
            ClockRate = clockRate;
            Channels = channels;
        }

        public int PayloadType { get; }
        public string Encoding { get; }
        public int ClockRate { get; }
        public int? Channels { get; }

        public static SdpRtpMap Parse(string value)
        {
            int space = value.IndexOf(' ');
            if (space <= 0) throw new SdpFormatException("a=rtpmap needs a payload type and an encoding");
            int pt = SdpNumbers.ParsePayloadType(value.Substring(0, space), "a=rtpmap");
            string[] parts = value.Substring(space + 1).Split('/');
            if (parts.Length < 2 || parts.Length > 3 || parts[0].Length == 0) throw new SdpFormatException("a=rtpmap encoding is malformed");
            int clock = SdpNumbers.ParseInt(parts[1], "a=rtpmap clock rate");
            int? channels = parts.Length == 3 ? SdpNumbers.ParseInt(parts[2], "a=rtpmap channels") : (int?)null;
            return new SdpRtpMap(pt, parts[0], clock, channels);
        }

        public bool Is(string encoding, int clockRate) =>
            string.Equals(Encoding, encoding, System.StringComparison.OrdinalIgnoreCase) && ClockRate == clockRate;

        public override string ToString() =>
            PayloadType.ToString(CultureInfo.InvariantCulture) + " " + Encoding + "/" + ClockRate.ToString(CultureInfo.InvariantCulture)
            + (Channels.HasValue ? "/" + Channels.Value.ToString(CultureInfo.InvariantCulture) : "");
    }
}
