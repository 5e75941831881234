using System.Text.Json.Serialization;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>
    /// Compile-time JSON metadata for every Kinesis Video request and response: no reflection at run time, which both
    /// shortens the first call and lets the CLI be compiled natively.
    /// </summary>
    [JsonSerializable(typeof(CreateSignalingChannelRequest))]
    [JsonSerializable(typeof(CreateSignalingChannelResponse))]
    [JsonSerializable(typeof(ChannelSelector))]
    [JsonSerializable(typeof(DescribeSignalingChannelResponse))]
    [JsonSerializable(typeof(ListSignalingChannelsRequest))]
    [JsonSerializable(typeof(ListSignalingChannelsResponse))]
    [JsonSerializable(typeof(DeleteSignalingChannelRequest))]
    [JsonSerializable(typeof(EmptyResponse))]
    [JsonSerializable(typeof(GetSignalingChannelEndpointRequest))]
    [JsonSerializable(typeof(GetSignalingChannelEndpointResponse))]
    [JsonSerializable(typeof(DescribeMediaStorageConfigurationResponse))]
    [JsonSerializable(typeof(UpdateMediaStorageConfigurationRequest))]
    [JsonSerializable(typeof(CreateStreamRequest))]
    [JsonSerializable(typeof(CreateStreamResponse))]
    [JsonSerializable(typeof(DescribeStreamRequest))]
    [JsonSerializable(typeof(DescribeStreamResponse))]
    [JsonSerializable(typeof(GetIceServerConfigRequest))]
    [JsonSerializable(typeof(GetIceServerConfigResponse))]
    [JsonSerializable(typeof(JoinStorageSessionRequest))]
    [JsonSerializable(typeof(JoinStorageSessionAsViewerRequest))]
    internal sealed partial class KvsJsonContext : JsonSerializerContext
    {
    }
}
