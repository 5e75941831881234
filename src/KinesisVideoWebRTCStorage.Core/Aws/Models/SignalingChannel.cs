using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace KinesisVideoWebRTCStorage.Aws.Models
{
    public sealed class SingleMasterConfiguration
    {
        [JsonPropertyName("MessageTtlSeconds")] public int? MessageTtlSeconds { get; set; }
    }

    public sealed class Tag
    {
        [JsonPropertyName("Key")] public string Key { get; set; } = "";
        [JsonPropertyName("Value")] public string Value { get; set; } = "";
    }

    public sealed class ChannelInfo
    {
        [JsonPropertyName("ChannelName")] public string? ChannelName { get; set; }
        [JsonPropertyName("ChannelARN")] public string? ChannelARN { get; set; }
        [JsonPropertyName("ChannelType")] public string? ChannelType { get; set; }
        [JsonPropertyName("ChannelStatus")] public string? ChannelStatus { get; set; }
        [JsonPropertyName("CreationTime"), JsonConverter(typeof(EpochSecondsConverter))] public DateTime? CreationTime { get; set; }
        [JsonPropertyName("SingleMasterConfiguration")] public SingleMasterConfiguration? SingleMasterConfiguration { get; set; }
        [JsonPropertyName("Version")] public string? Version { get; set; }
    }

    public sealed class CreateSignalingChannelRequest
    {
        [JsonPropertyName("ChannelName")] public string ChannelName { get; set; } = "";
        [JsonPropertyName("ChannelType")] public string? ChannelType { get; set; } = "SINGLE_MASTER";
        [JsonPropertyName("SingleMasterConfiguration")] public SingleMasterConfiguration? SingleMasterConfiguration { get; set; }
        [JsonPropertyName("Tags")] public List<Tag>? Tags { get; set; }
    }

    internal sealed class CreateSignalingChannelResponse
    {
        [JsonPropertyName("ChannelARN")] public string? ChannelARN { get; set; }
    }

    internal sealed class ChannelSelector
    {
        [JsonPropertyName("ChannelName")] public string? ChannelName { get; set; }
        [JsonPropertyName("ChannelARN")] public string? ChannelARN { get; set; }
    }

    internal sealed class DescribeSignalingChannelResponse
    {
        [JsonPropertyName("ChannelInfo")] public ChannelInfo? ChannelInfo { get; set; }
    }

    public sealed class ChannelNameCondition
    {
        [JsonPropertyName("ComparisonOperator")] public string ComparisonOperator { get; set; } = "BEGINS_WITH";
        [JsonPropertyName("ComparisonValue")] public string ComparisonValue { get; set; } = "";
    }

    public sealed class ListSignalingChannelsRequest
    {
        [JsonPropertyName("MaxResults")] public int? MaxResults { get; set; }
        [JsonPropertyName("NextToken")] public string? NextToken { get; set; }
        [JsonPropertyName("ChannelNameCondition")] public ChannelNameCondition? ChannelNameCondition { get; set; }
    }

    public sealed class ListSignalingChannelsResponse
    {
        [JsonPropertyName("ChannelInfoList")] public List<ChannelInfo> ChannelInfoList { get; set; } = new List<ChannelInfo>();
        [JsonPropertyName("NextToken")] public string? NextToken { get; set; }
    }

    internal sealed class DeleteSignalingChannelRequest
    {
        [JsonPropertyName("ChannelARN")] public string ChannelARN { get; set; } = "";
        [JsonPropertyName("CurrentVersion")] public string? CurrentVersion { get; set; }
    }

    internal sealed class EmptyResponse
    {
    }
}
