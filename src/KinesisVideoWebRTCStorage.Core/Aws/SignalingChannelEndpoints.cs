using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>What Get-KVSignalingEndpoint writes: a channel's endpoints by protocol for one role.</summary>
    public sealed class SignalingChannelEndpoints
    {
        public SignalingChannelEndpoints(string channelArn, string region, ChannelRole role, IReadOnlyList<ResourceEndpoint> resourceEndpointList)
        {
            ChannelARN = channelArn;
            Region = region;
            Role = role;
            ResourceEndpointList = resourceEndpointList;
            WssEndpoint = Find(ChannelProtocol.WSS);
            HttpsEndpoint = Find(ChannelProtocol.HTTPS);
            WebRtcEndpoint = Find(ChannelProtocol.WEBRTC);
        }

        public string ChannelARN { get; }
        public string Region { get; }
        public ChannelRole Role { get; }
        public string? WssEndpoint { get; }
        public string? HttpsEndpoint { get; }
        public string? WebRtcEndpoint { get; }
        public IReadOnlyList<ResourceEndpoint> ResourceEndpointList { get; }

        private string? Find(ChannelProtocol protocol) =>
            ResourceEndpointList.FirstOrDefault(e => string.Equals(e.Protocol, protocol.ToString(), StringComparison.OrdinalIgnoreCase))?.Endpoint;
    }
}
