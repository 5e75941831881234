using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>The signaling-channel HTTPS API (GetIceServerConfig), on the channel's HTTPS endpoint.</summary>
    public sealed class SignalingChannelsClient
    {
        private readonly RestJsonClient http;

        public SignalingChannelsClient(RestJsonClient http, Uri httpsEndpoint)
        {
            this.http = http;
            Endpoint = httpsEndpoint;
        }

        public Uri Endpoint { get; }

        public async Task<IReadOnlyList<IceServer>> GetIceServerConfigAsync(string channelArn, string? clientId = null, string? username = null,
            CancellationToken cancellationToken = default)
        {
            ChannelArn.Parse(channelArn);
            var body = await http.PostAsync(Endpoint, "/v1/get-ice-server-config", "GetIceServerConfig",
                KvsJson.Serialize(new GetIceServerConfigRequest { ChannelARN = channelArn, ClientId = clientId, Username = username }),
                cancellationToken).ConfigureAwait(false);
            return KvsJson.Deserialize<GetIceServerConfigResponse>(body, "GetIceServerConfig").IceServerList;
        }
    }
}
