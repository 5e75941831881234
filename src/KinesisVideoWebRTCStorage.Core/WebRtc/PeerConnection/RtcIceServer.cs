using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>One W3C RTCIceServer: STUN or TURN URIs sharing one set of credentials.</summary>
    public sealed class RtcIceServer
    {
        public RtcIceServer(IEnumerable<string> urls, string? username = null, string? credential = null)
        {
            Urls = new List<string>(urls ?? throw new ArgumentNullException(nameof(urls)));
            Username = username;
            Credential = credential;
        }

        public IReadOnlyList<string> Urls { get; }
        public string? Username { get; }
        public string? Credential { get; }

        public override string ToString() => string.Join(", ", Urls) + (Username != null ? $" user={Username} credential=<redacted>" : "");
    }
}
