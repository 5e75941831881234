using System.Text.Json.Serialization;

namespace KinesisVideoWebRTCStorage.Aws.Models
{
    public sealed class MediaStorageConfiguration
    {
        [JsonPropertyName("Status")] public string? Status { get; set; }
        [JsonPropertyName("StreamARN")] public string? StreamARN { get; set; }

        [JsonIgnore] public bool IsEnabled => Status == "ENABLED" && !string.IsNullOrEmpty(StreamARN);
    }

    internal sealed class DescribeMediaStorageConfigurationResponse
    {
        [JsonPropertyName("MediaStorageConfiguration")] public MediaStorageConfiguration? MediaStorageConfiguration { get; set; }
    }

    internal sealed class UpdateMediaStorageConfigurationRequest
    {
        [JsonPropertyName("ChannelARN")] public string ChannelARN { get; set; } = "";
        [JsonPropertyName("MediaStorageConfiguration")] public MediaStorageConfiguration? MediaStorageConfiguration { get; set; }
    }

    // The storage API spells its members in camelCase, unlike the control plane.
    internal sealed class JoinStorageSessionRequest
    {
        [JsonPropertyName("channelArn")] public string ChannelArn { get; set; } = "";
    }

    internal sealed class JoinStorageSessionAsViewerRequest
    {
        [JsonPropertyName("channelArn")] public string ChannelArn { get; set; } = "";
        [JsonPropertyName("clientId")] public string ClientId { get; set; } = "";
    }
}
