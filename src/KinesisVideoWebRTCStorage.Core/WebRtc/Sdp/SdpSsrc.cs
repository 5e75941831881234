using System.Globalization;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>An <c>a=ssrc:&lt;ssrc&gt; &lt;attribute&gt;[:&lt;value&gt;]</c> value (RFC 5576), e.g. "1234 cname:abc".</summary>
    public sealed class SdpSsrc
    {
        public SdpSsrc(uint ssrc, string attribute, string? value)
        {
            Ssrc = ssrc;
            Attribute = attribute;
            Value = value;
        }

        public uint Ssrc { get; }
        public string Attribute { get; }
        public string? Value { get; }

        public static SdpSsrc Parse(string value)
        {
            int space = value.IndexOf(' ');
            if (space <= 0) throw new SdpFormatException("a=ssrc needs an SSRC and an attribute");
            uint ssrc = SdpNumbers.ParseUInt32(value.Substring(0, space), "a=ssrc SSRC");
            string rest = value.Substring(space + 1);
            int colon = rest.IndexOf(':');
            return colon < 0 ? new SdpSsrc(ssrc, rest, null) : new SdpSsrc(ssrc, rest.Substring(0, colon), rest.Substring(colon + 1));
        }

        public override string ToString() => Ssrc.ToString(CultureInfo.InvariantCulture) + " " + Attribute + (Value == null ? "" : ":" + Value);
    }
}
