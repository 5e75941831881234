using System;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>The WebRTC storage API (JoinStorageSession, JoinStorageSessionAsViewer), on the channel's WEBRTC endpoint.</summary>
    public sealed class WebRtcStorageClient
    {
        private readonly RestJsonClient http;

        public WebRtcStorageClient(RestJsonClient http, Uri webRtcEndpoint)
        {
            this.http = http;
            Endpoint = webRtcEndpoint;
        }

        public Uri Endpoint { get; }

        /// <summary>Asks the storage service to join the channel's master. A 200 only means the request was accepted.</summary>
        public Task JoinStorageSessionAsync(string channelArn, CancellationToken cancellationToken = default)
        {
            ChannelArn.Parse(channelArn);
            return http.PostAsync(Endpoint, "/joinStorageSession", "JoinStorageSession",
                KvsJson.Serialize(new JoinStorageSessionRequest { ChannelArn = channelArn }), cancellationToken);
        }

        public Task JoinStorageSessionAsViewerAsync(string channelArn, string clientId, CancellationToken cancellationToken = default)
        {
            ChannelArn.Parse(channelArn);
            if (!ResourceNames.IsValid(clientId))
                throw new ArgumentException($"'{clientId}' is not a valid client id: use 1 to 256 letters, digits, '_', '.' or '-'.", nameof(clientId));
            return http.PostAsync(Endpoint, "/joinStorageSessionAsViewer", "JoinStorageSessionAsViewer",
                KvsJson.Serialize(new JoinStorageSessionAsViewerRequest { ChannelArn = channelArn, ClientId = clientId }), cancellationToken);
        }
    }
}
