using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>The KinesisVideo control-plane operations on signaling channels and their media storage.</summary>
    public sealed class KinesisVideoClient
    {
        // A list that keeps handing out tokens is cut off here rather than looping forever.
        internal const int MaxListPages = 1000;

        private readonly RestJsonClient http;

        public KinesisVideoClient(RestJsonClient http, Uri endpoint)
        {
            this.http = http;
            Endpoint = endpoint;
        }

        public Uri Endpoint { get; }

        public async Task<string> CreateSignalingChannelAsync(CreateSignalingChannelRequest request, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrEmpty(request.ChannelName)) throw new ArgumentException("ChannelName is required.", nameof(request));
            var response = await SendAsync<CreateSignalingChannelRequest, CreateSignalingChannelResponse>(
                "/createSignalingChannel", "CreateSignalingChannel", request, cancellationToken).ConfigureAwait(false);
            return response.ChannelARN ?? throw new KinesisVideoResponseException("CreateSignalingChannel returned no ChannelARN.");
        }

        public async Task<ChannelInfo> DescribeSignalingChannelAsync(ChannelReference channel, CancellationToken cancellationToken = default)
        {
            var response = await SendAsync<ChannelSelector, DescribeSignalingChannelResponse>(
                "/describeSignalingChannel", "DescribeSignalingChannel", channel.ToSelector(), cancellationToken).ConfigureAwait(false);
            return response.ChannelInfo ?? throw new KinesisVideoResponseException("DescribeSignalingChannel returned no ChannelInfo.");
        }

        public Task<ListSignalingChannelsResponse> ListSignalingChannelsAsync(ListSignalingChannelsRequest request, CancellationToken cancellationToken = default) =>
            SendAsync<ListSignalingChannelsRequest, ListSignalingChannelsResponse>("/listSignalingChannels", "ListSignalingChannels", request, cancellationToken);

        /// <summary>Follows NextToken through every page.</summary>
        public async Task<IReadOnlyList<ChannelInfo>> ListAllSignalingChannelsAsync(ChannelNameCondition? condition = null, int? pageSize = null,
            CancellationToken cancellationToken = default)
        {
            var channels = new List<ChannelInfo>();
            var seenTokens = new HashSet<string>(StringComparer.Ordinal);
            string? token = null;
            for (int page = 0; page < MaxListPages; page++)
            {
                var response = await ListSignalingChannelsAsync(new ListSignalingChannelsRequest
                {
                    MaxResults = pageSize,
                    NextToken = token,
                    ChannelNameCondition = condition,
                }, cancellationToken).ConfigureAwait(false);
                channels.AddRange(response.ChannelInfoList);
                token = response.NextToken;
                if (string.IsNullOrEmpty(token)) return channels;
                if (!seenTokens.Add(token!))
                    throw new KinesisVideoResponseException("ListSignalingChannels returned the same NextToken twice; stopping instead of looping.");
            }
            throw new KinesisVideoResponseException($"ListSignalingChannels returned more than {MaxListPages} pages; stopping.");
        }

        public async Task DeleteSignalingChannelAsync(string channelArn, string? currentVersion = null, CancellationToken cancellationToken = default)
        {
            ChannelArn.Parse(channelArn);
            await SendAsync<DeleteSignalingChannelRequest, EmptyResponse>("/deleteSignalingChannel", "DeleteSignalingChannel",
                new DeleteSignalingChannelRequest { ChannelARN = channelArn, CurrentVersion = currentVersion }, cancellationToken).ConfigureAwait(false);
        }

        public async Task<SignalingChannelEndpoints> GetSignalingChannelEndpointAsync(string channelArn, ChannelRole role,
            IEnumerable<ChannelProtocol> protocols, CancellationToken cancellationToken = default)
        {
            ChannelArn.Parse(channelArn);
            var protocolList = protocols.Distinct().ToList();
            if (protocolList.Count == 0) throw new ArgumentException("At least one protocol (WSS, HTTPS, WEBRTC) is required.", nameof(protocols));
            var response = await SendAsync<GetSignalingChannelEndpointRequest, GetSignalingChannelEndpointResponse>(
                "/getSignalingChannelEndpoint", "GetSignalingChannelEndpoint",
                new GetSignalingChannelEndpointRequest
                {
                    ChannelARN = channelArn,
                    SingleMasterChannelEndpointConfiguration = new SingleMasterChannelEndpointConfiguration { Protocols = protocolList, Role = role },
                }, cancellationToken).ConfigureAwait(false);
            return new SignalingChannelEndpoints(channelArn, http.Region, role, response.ResourceEndpointList);
        }

        public async Task<MediaStorageConfiguration> DescribeMediaStorageConfigurationAsync(ChannelReference channel, CancellationToken cancellationToken = default)
        {
            var response = await SendAsync<ChannelSelector, DescribeMediaStorageConfigurationResponse>(
                "/describeMediaStorageConfiguration", "DescribeMediaStorageConfiguration", channel.ToSelector(), cancellationToken).ConfigureAwait(false);
            return response.MediaStorageConfiguration ?? throw new KinesisVideoResponseException("DescribeMediaStorageConfiguration returned no MediaStorageConfiguration.");
        }

        public async Task UpdateMediaStorageConfigurationAsync(string channelArn, MediaStorageConfiguration configuration, CancellationToken cancellationToken = default)
        {
            ChannelArn.Parse(channelArn);
            await SendAsync<UpdateMediaStorageConfigurationRequest, EmptyResponse>("/updateMediaStorageConfiguration", "UpdateMediaStorageConfiguration",
                new UpdateMediaStorageConfigurationRequest { ChannelARN = channelArn, MediaStorageConfiguration = configuration }, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The channel's ARN: checked when given, looked up with DescribeSignalingChannel when only the name is known.</summary>
        public async Task<string> ResolveChannelArnAsync(ChannelReference channel, CancellationToken cancellationToken = default)
        {
            if (channel.Arn != null) return channel.Arn;
            var info = await DescribeSignalingChannelAsync(channel, cancellationToken).ConfigureAwait(false);
            return info.ChannelARN ?? throw new KinesisVideoResponseException($"DescribeSignalingChannel returned no ChannelARN for '{channel.Name}'.");
        }

        /// <summary>CreateStream; returns the new stream's ARN.</summary>
        public async Task<string> CreateStreamAsync(CreateStreamRequest request, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrEmpty(request.StreamName)) throw new ArgumentException("StreamName is required.", nameof(request));
            var response = await SendAsync<CreateStreamRequest, CreateStreamResponse>("/createStream", "CreateStream", request, cancellationToken).ConfigureAwait(false);
            return response.StreamARN ?? throw new KinesisVideoResponseException("CreateStream returned no StreamARN.");
        }

        /// <summary>DescribeStream by name or ARN.</summary>
        public async Task<StreamInfo> DescribeStreamAsync(string? streamName, string? streamArn = null, CancellationToken cancellationToken = default)
        {
            var response = await SendAsync<DescribeStreamRequest, DescribeStreamResponse>("/describeStream", "DescribeStream",
                new DescribeStreamRequest { StreamName = streamName, StreamARN = streamArn }, cancellationToken).ConfigureAwait(false);
            return response.StreamInfo ?? throw new KinesisVideoResponseException("DescribeStream returned no StreamInfo.");
        }

        private async Task<TResponse> SendAsync<TRequest, TResponse>(string path, string operation, TRequest request, CancellationToken cancellationToken)
            where TResponse : class, new()
        {
            var body = await http.PostAsync(Endpoint, path, operation, KvsJson.Serialize(request), cancellationToken).ConfigureAwait(false);
            return KvsJson.Deserialize<TResponse>(body, operation);
        }
    }
}
