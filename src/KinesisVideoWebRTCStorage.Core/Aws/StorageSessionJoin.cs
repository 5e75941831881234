using System;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>A JoinStorageSession (or AsViewer) request that the service accepted.</summary>
    public sealed class StorageSessionJoin
    {
        public StorageSessionJoin(string channelArn, string endpoint, ChannelRole role, string? clientId, DateTime requestedAt)
        {
            ChannelARN = channelArn;
            Endpoint = endpoint;
            Role = role;
            ClientId = clientId;
            RequestedAt = requestedAt;
        }

        public string ChannelARN { get; }
        public string Endpoint { get; }
        public ChannelRole Role { get; }
        public string? ClientId { get; }
        public DateTime RequestedAt { get; }

        /// <summary>
        /// Asks the storage service to join the channel's master, or the viewer <paramref name="clientId"/> when given,
        /// resolving the WEBRTC endpoint when <paramref name="webRtcEndpoint"/> is not given.
        /// </summary>
        public static async Task<StorageSessionJoin> RequestAsync(KvsConnection connection, string channelArn, string? webRtcEndpoint,
            string? clientId, CancellationToken cancellationToken)
        {
            ChannelArn.Parse(channelArn);
            var role = clientId == null ? ChannelRole.MASTER : ChannelRole.VIEWER;
            if (string.IsNullOrEmpty(webRtcEndpoint))
            {
                var endpoints = await SignalingEndpointLookup.GetAsync(connection.ControlPlane(), ChannelReference.FromArn(channelArn), role,
                    new[] { ChannelProtocol.WEBRTC }, cancellationToken).ConfigureAwait(false);
                webRtcEndpoint = endpoints.WebRtcEndpoint ??
                    throw new KinesisVideoResponseException($"GetSignalingChannelEndpoint returned no WEBRTC endpoint for {channelArn}.");
            }

            var storage = connection.Storage(KvsEndpoints.ParseEndpointUrl(webRtcEndpoint!));
            if (clientId == null) await storage.JoinStorageSessionAsync(channelArn, cancellationToken).ConfigureAwait(false);
            else await storage.JoinStorageSessionAsViewerAsync(channelArn, clientId, cancellationToken).ConfigureAwait(false);
            return new StorageSessionJoin(channelArn, webRtcEndpoint!, role, clientId, DateTime.UtcNow);
        }
    }
}
