using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace KinesisVideoWebRTCStorage.Aws.Models
{
    [JsonConverter(typeof(JsonStringEnumConverter<ChannelRole>))]
    public enum ChannelRole
    {
        MASTER,
        VIEWER,
    }

    [JsonConverter(typeof(JsonStringEnumConverter<ChannelProtocol>))]
    public enum ChannelProtocol
    {
        WSS,
        HTTPS,
        WEBRTC,
    }

    public sealed class ResourceEndpoint
    {
        [JsonPropertyName("Protocol")] public string? Protocol { get; set; }
        [JsonPropertyName("ResourceEndpoint")] public string? Endpoint { get; set; }

        public override string ToString() => $"{Protocol} {Endpoint}";
    }

    internal sealed class SingleMasterChannelEndpointConfiguration
    {
        [JsonPropertyName("Protocols")] public List<ChannelProtocol> Protocols { get; set; } = new List<ChannelProtocol>();
        [JsonPropertyName("Role")] public ChannelRole Role { get; set; }
    }

    internal sealed class GetSignalingChannelEndpointRequest
    {
        [JsonPropertyName("ChannelARN")] public string ChannelARN { get; set; } = "";
        [JsonPropertyName("SingleMasterChannelEndpointConfiguration")] public SingleMasterChannelEndpointConfiguration? SingleMasterChannelEndpointConfiguration { get; set; }
    }

    internal sealed class GetSignalingChannelEndpointResponse
    {
        [JsonPropertyName("ResourceEndpointList")] public List<ResourceEndpoint> ResourceEndpointList { get; set; } = new List<ResourceEndpoint>();
    }

    public sealed class IceServer
    {
        [JsonPropertyName("Uris")] public List<string> Uris { get; set; } = new List<string>();
        [JsonPropertyName("Username")] public string? Username { get; set; }
        [JsonPropertyName("Password")] public string? Password { get; set; }
        [JsonPropertyName("Ttl")] public int? Ttl { get; set; }

        // The password is a secret: never print it.
        public override string ToString() => $"{string.Join(", ", Uris)} (user {Username}, ttl {Ttl}s)";
    }

    internal sealed class GetIceServerConfigRequest
    {
        [JsonPropertyName("ChannelARN")] public string ChannelARN { get; set; } = "";
        [JsonPropertyName("ClientId")] public string? ClientId { get; set; }
        [JsonPropertyName("Service")] public string? Service { get; set; } = "TURN";
        [JsonPropertyName("Username")] public string? Username { get; set; }
    }

    internal sealed class GetIceServerConfigResponse
    {
        [JsonPropertyName("IceServerList")] public List<IceServer> IceServerList { get; set; } = new List<IceServer>();
    }
}
