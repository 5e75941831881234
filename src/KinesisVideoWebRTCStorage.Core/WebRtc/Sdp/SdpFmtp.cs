using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>An <c>a=fmtp:&lt;pt&gt; k=v;k=v</c> value. Parameters keep their order; names compare case-insensitively.</summary>
    public sealed class SdpFmtp
    {
        public SdpFmtp(int payloadType, IEnumerable<KeyValuePair<string, string>> parameters)
        {
            PayloadType = payloadType;
            Parameters = parameters.ToList();
        }

        public int PayloadType { get; }
        public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

        public string? this[string name]
        {
            get
            {
                foreach (var parameter in Parameters)
                    if (string.Equals(parameter.Key, name, StringComparison.OrdinalIgnoreCase)) return parameter.Value;
                return null;
            }
        }

        public static SdpFmtp Parse(string value)
        {
            int space = value.IndexOf(' ');
            if (space <= 0) throw new SdpFormatException("a=fmtp needs a payload type and parameters");
            int pt = SdpNumbers.ParsePayloadType(value.Substring(0, space), "a=fmtp");
            var parameters = new List<KeyValuePair<string, string>>();
            foreach (string item in value.Substring(space + 1).Split(';'))
            {
                string trimmed = item.Trim();
                if (trimmed.Length == 0) continue;
                int eq = trimmed.IndexOf('=');
                // Some formats (telephone-event "0-15") carry a bare value rather than key=value.
                parameters.Add(eq < 0 ? new KeyValuePair<string, string>(trimmed, "")
                    : new KeyValuePair<string, string>(trimmed.Substring(0, eq).Trim(), trimmed.Substring(eq + 1).Trim()));
            }
            return new SdpFmtp(pt, parameters);
        }

        public override string ToString() =>
            PayloadType.ToString(CultureInfo.InvariantCulture) + " "
            + string.Join(";", Parameters.Select(p => p.Value.Length == 0 && !p.Key.Contains("=") ? p.Key : p.Key + "=" + p.Value));
    }
}
