using System.Globalization;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>An <c>a=extmap:&lt;id&gt;[/&lt;direction&gt;] &lt;uri&gt; [&lt;attributes&gt;]</c> value (RFC 8285).</summary>
    public sealed class SdpExtmap
    {
        public SdpExtmap(int id, string uri, string? direction = null, string? extensionAttributes = null)
        {
            Id = id;
            Uri = uri;
            Direction = direction;
            ExtensionAttributes = extensionAttributes;
        }

        /// <summary>1-14 for one-byte headers, up to 255 with two-byte headers.</summary>
        public int Id { get; }
        public string Uri { get; }
        public string? Direction { get; }
        public string? ExtensionAttributes { get; }

        public static SdpExtmap Parse(string value)
        {
            string[] parts = value.Split(new[] { ' ' }, 3, System.StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) throw new SdpFormatException("a=extmap needs an id and a URI");
            string idText = parts[0];
            string? direction = null;
            int slash = idText.IndexOf('/');
            if (slash >= 0)
            {
                direction = idText.Substring(slash + 1);
                idText = idText.Substring(0, slash);
            }
            int id = SdpNumbers.ParseInt(idText, "a=extmap id", 255);
            if (id == 0) throw new SdpFormatException("a=extmap id 0 is reserved");
            return new SdpExtmap(id, parts[1], direction, parts.Length == 3 ? parts[2] : null);
        }

        public override string ToString() =>
            Id.ToString(CultureInfo.InvariantCulture) + (Direction == null ? "" : "/" + Direction) + " " + Uri
            + (ExtensionAttributes == null ? "" : " " + ExtensionAttributes);
    }
}
