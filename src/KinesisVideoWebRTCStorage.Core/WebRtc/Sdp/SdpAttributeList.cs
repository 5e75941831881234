using System.Collections.Generic;
using System.Linq;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>Lookups shared by session-level and media-level attribute lists.</summary>
    public static class SdpAttributeList
    {
        public static string? Get(this IEnumerable<SdpAttribute> attributes, string name) =>
            attributes.FirstOrDefault(a => a.Name == name)?.Value;

        public static bool Has(this IEnumerable<SdpAttribute> attributes, string name) => attributes.Any(a => a.Name == name);

        public static IEnumerable<string> GetAll(this IEnumerable<SdpAttribute> attributes, string name) =>
            attributes.Where(a => a.Name == name).Select(a => a.Value ?? "");
    }
}
