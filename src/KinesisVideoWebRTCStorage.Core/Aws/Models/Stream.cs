using System.Text.Json.Serialization;

namespace KinesisVideoWebRTCStorage.Aws.Models
{
    /// <summary>CreateStream: the Kinesis video stream a signaling channel's media storage records into.</summary>
    public sealed class CreateStreamRequest
    {
        [JsonPropertyName("StreamName")] public string StreamName { get; set; } = "";
        [JsonPropertyName("MediaType")] public string? MediaType { get; set; }
        [JsonPropertyName("DataRetentionInHours")] public int? DataRetentionInHours { get; set; }
    }

    internal sealed class CreateStreamResponse
    {
        [JsonPropertyName("StreamARN")] public string? StreamARN { get; set; }
    }

    internal sealed class DescribeStreamRequest
    {
        [JsonPropertyName("StreamName")] public string? StreamName { get; set; }
        [JsonPropertyName("StreamARN")] public string? StreamARN { get; set; }
    }

    internal sealed class DescribeStreamResponse
    {
        [JsonPropertyName("StreamInfo")] public StreamInfo? StreamInfo { get; set; }
    }

    public sealed class StreamInfo
    {
        [JsonPropertyName("StreamName")] public string? StreamName { get; set; }
        [JsonPropertyName("StreamARN")] public string? StreamARN { get; set; }
        [JsonPropertyName("MediaType")] public string? MediaType { get; set; }
        [JsonPropertyName("Status")] public string? Status { get; set; }
        [JsonPropertyName("DataRetentionInHours")] public int? DataRetentionInHours { get; set; }

        public override string ToString() => $"{StreamName} ({Status})";
    }
}
