using System;
using System.Collections.Generic;
using Amazon.Runtime;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage.Signaling
{
    /// <summary>Presigned signaling WebSocket URLs. They carry a signature and maybe a session token: log only <see cref="Redact"/>.</summary>
    public static class SignalingUrl
    {
        public static readonly TimeSpan DefaultExpiry = TimeSpan.FromSeconds(299);

        /// <summary>The master's URL: X-Amz-ChannelARN and no client id.</summary>
        public static Uri ForMaster(string wssEndpoint, string channelArn, ImmutableCredentials credentials, string region, DateTime? signedAt = null) =>
            Create(wssEndpoint, channelArn, null, credentials, region, signedAt);

        public static Uri ForViewer(string wssEndpoint, string channelArn, string clientId, ImmutableCredentials credentials, string region, DateTime? signedAt = null)
        {
            if (!SignalingCodec.IsValidClientId(clientId)) throw new ArgumentException($"'{clientId}' is not a valid client id.", nameof(clientId));
            return Create(wssEndpoint, channelArn, clientId, credentials, region, signedAt);
        }

        /// <summary>The URL without its query (signature, token), for messages and logs.</summary>
        public static string Redact(Uri url) => url.GetLeftPart(UriPartial.Path);

        private static Uri Create(string wssEndpoint, string channelArn, string? clientId, ImmutableCredentials credentials, string region, DateTime? signedAt)
        {
            ChannelArn.Parse(channelArn);
            if (!Uri.TryCreate(wssEndpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != "wss" && endpoint.Scheme != "ws"))
                throw new ArgumentException($"'{wssEndpoint}' is not a wss:// (or ws://) endpoint.", nameof(wssEndpoint));
            var parameters = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>("X-Amz-ChannelARN", channelArn) };
            if (clientId != null) parameters.Add(new KeyValuePair<string, string>("X-Amz-ClientId", clientId));
            return new Uri(PresignedUrl.Create(endpoint, credentials, region, parameters, DefaultExpiry, signedAt));
        }
    }
}
