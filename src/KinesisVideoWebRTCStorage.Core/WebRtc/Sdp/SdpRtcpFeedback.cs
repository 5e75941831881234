using System.Globalization;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>An <c>a=rtcp-fb:&lt;pt|*&gt; &lt;type&gt; [&lt;parameter&gt;]</c> value (RFC 4585), e.g. "nack pli".</summary>
    public sealed class SdpRtcpFeedback
    {
        /// <param name="payloadType">-1 for the wildcard "*".</param>
        public SdpRtcpFeedback(int payloadType, string type, string? parameter = null)
        {
            PayloadType = payloadType;
            Type = type;
            Parameter = parameter;
        }

        public int PayloadType { get; }
        public string Type { get; }
        public string? Parameter { get; }

        public static SdpRtcpFeedback Parse(string value)
        {
            string[] parts = value.Split(new[] { ' ' }, 3, System.StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) throw new SdpFormatException("a=rtcp-fb needs a payload type and a feedback type");
            int pt = parts[0] == "*" ? -1 : SdpNumbers.ParsePayloadType(parts[0], "a=rtcp-fb");
            return new SdpRtcpFeedback(pt, parts[1], parts.Length == 3 ? parts[2] : null);
        }

        /// <summary>Same feedback kind, ignoring the payload type.</summary>
        public bool SameKind(SdpRtcpFeedback other) => Type == other.Type && Parameter == other.Parameter;

        public override string ToString() =>
            (PayloadType < 0 ? "*" : PayloadType.ToString(CultureInfo.InvariantCulture)) + " " + Type + (Parameter == null ? "" : " " + Parameter);
    }
}
