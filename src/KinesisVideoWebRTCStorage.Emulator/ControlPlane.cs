using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Emulator.Turn;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>The KinesisVideo, signaling-channel HTTPS and WebRTC storage operations, on JSON in and JSON out.</summary>
    public sealed class ControlPlane
    {
        private readonly EmulatorOptions options;
        private readonly EmulatorState state;
        private readonly Func<string> endpointUrl;
        private readonly Func<string> webSocketUrl;
        private IReadOnlyList<string> turnUris = Array.Empty<string>();
        private TurnRestCredentials? turnCredentials;

        public ControlPlane(EmulatorOptions options, EmulatorState state, Func<string> endpointUrl, Func<string> webSocketUrl)
        {
            this.options = options;
            this.state = state;
            this.endpointUrl = endpointUrl;
            this.webSocketUrl = webSocketUrl;
            if (options.TurnUris.Count > 0 && options.TurnSecret != null) UseTurn(options.TurnUris, new TurnRestCredentials(options.TurnSecret));
        }

        /// <summary>What GetIceServerConfig hands out: empty when an external server was named without its secret.</summary>
        public IReadOnlyList<string> TurnUris => turnCredentials == null ? Array.Empty<string>() : turnUris;

        /// <summary>The TURN URIs GetIceServerConfig hands out, with time-limited credentials that their server accepts.</summary>
        public void UseTurn(IReadOnlyList<string> uris, TurnRestCredentials credentials)
        {
            turnUris = uris.ToArray();
            turnCredentials = credentials;
        }

        /// <summary>Every JoinStorageSession accepted, for tests and the admin endpoint.</summary>
        public List<JsonObject> Joins { get; } = new List<JsonObject>();

        /// <summary>Whether JoinStorageSessionAsViewer may add this client id to the channel's storage session (the viewer limit).</summary>
        public Func<string, string, bool>? ViewerJoinAllowed { get; set; }

        /// <summary>Raised for each accepted JoinStorageSession that is not dropped: (channel ARN, viewer client id or null).</summary>
        public event Action<string, string?>? StorageSessionRequested;

        /// <summary>The operation for a request path, or null when the path is not an API.</summary>
        public Func<JsonObject, JsonObject?>? Operation(string path)
        {
            switch (path)
            {
                case "/createSignalingChannel": return CreateSignalingChannel;
                case "/describeSignalingChannel": return DescribeSignalingChannel;
                case "/listSignalingChannels": return ListSignalingChannels;
                case "/deleteSignalingChannel": return DeleteSignalingChannel;
                case "/getSignalingChannelEndpoint": return GetSignalingChannelEndpoint;
                case "/describeMediaStorageConfiguration": return DescribeMediaStorageConfiguration;
                case "/updateMediaStorageConfiguration": return UpdateMediaStorageConfiguration;
                case "/createStream": return CreateStream;
                case "/describeStream": return DescribeStream;
                case "/deleteStream": return DeleteStream;
                case "/v1/get-ice-server-config": return GetIceServerConfig;
                case "/joinStorageSession": return body => JoinStorageSession(body, asViewer: false);
                case "/joinStorageSessionAsViewer": return body => JoinStorageSession(body, asViewer: true);
                default: return null;
            }
        }

        /// <summary>
        /// Creates (unless it exists) a channel with a stream named <c>&lt;channel&gt;-stream</c> linked for media storage,
        /// through the same operations a client would call; for --storage-channel and -StorageChannel.
        /// </summary>
        public void CreateStorageChannel(string name)
        {
            lock (state.Gate)
                if (state.Channels.ContainsKey(name)) return;
            var streamArn = (string)CreateStream(new JsonObject { ["StreamName"] = name + "-stream", ["DataRetentionInHours"] = 24 })!["StreamARN"]!;
            var channelArn = (string)CreateSignalingChannel(new JsonObject { ["ChannelName"] = name })!["ChannelARN"]!;
            UpdateMediaStorageConfiguration(new JsonObject
            {
                ["ChannelARN"] = channelArn,
                ["MediaStorageConfiguration"] = new JsonObject { ["Status"] = "ENABLED", ["StreamARN"] = streamArn },
            });
        }

        /// <summary>Storage calls spell their error message in lower case, the control plane in upper case.</summary>
        public static bool UsesLowerCaseMessage(string path) => path.StartsWith("/joinStorageSession", StringComparison.Ordinal);

        private JsonObject? CreateSignalingChannel(JsonObject body)
        {
            var name = Name(body, "ChannelName");
            var type = (string?)body["ChannelType"] ?? "SINGLE_MASTER";
            if (type != "SINGLE_MASTER") throw ApiError.InvalidArgument($"ChannelType {type} is not supported; use SINGLE_MASTER.");
            var ttl = (int?)body["SingleMasterConfiguration"]?["MessageTtlSeconds"] ?? 60;
            if (ttl < 5 || ttl > 120) throw ApiError.InvalidArgument("MessageTtlSeconds must be between 5 and 120.");
            if (state.Channels.ContainsKey(name)) throw ApiError.InUse($"The signaling channel {name} already exists.");
            var created = state.NextCreationTime();
            var channel = new ChannelRecord
            {
                Name = name,
                Arn = $"arn:aws:kinesisvideo:{options.Region}:{options.AccountId}:channel/{name}/{created}",
                CreationTimeMs = created,
                MessageTtlSeconds = ttl,
                Tags = (body["Tags"] as JsonArray)?.OfType<JsonObject>().ToDictionary(t => (string?)t["Key"] ?? "", t => (string?)t["Value"] ?? "") ??
                       new Dictionary<string, string>(),
            };
            state.Channels[name] = channel;
            state.Save();
            return new JsonObject { ["ChannelARN"] = channel.Arn };
        }

        private JsonObject? DescribeSignalingChannel(JsonObject body) => new JsonObject { ["ChannelInfo"] = Info(Channel(body)) };

        private JsonObject? ListSignalingChannels(JsonObject body)
        {
            var prefix = (string?)body["ChannelNameCondition"]?["ComparisonValue"] ?? "";
            var max = Math.Min(Math.Max((int?)body["MaxResults"] ?? 500, 1), 10000);
            int start = int.TryParse((string?)body["NextToken"], NumberStyles.None, CultureInfo.InvariantCulture, out var token) ? token : 0;
            var matching = state.Channels.Values.Where(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            var result = new JsonObject { ["ChannelInfoList"] = new JsonArray(matching.Skip(start).Take(max).Select(c => (JsonNode)Info(c)).ToArray()) };
            if (start + max < matching.Count) result["NextToken"] = (start + max).ToString(CultureInfo.InvariantCulture);
            return result;
        }

        private JsonObject? DeleteSignalingChannel(JsonObject body)
        {
            var channel = Channel(body, byNameToo: false);
            var version = (string?)body["CurrentVersion"];
            if (version != null && version != channel.Version.ToString(CultureInfo.InvariantCulture))
                throw new ApiError(400, "VersionMismatchException", $"The channel's current version is {channel.Version}, not {version}.");
            state.Channels.Remove(channel.Name);
            state.Save();
            return new JsonObject();
        }

        private JsonObject? GetSignalingChannelEndpoint(JsonObject body)
        {
            var channel = Channel(body, byNameToo: false);
            var configuration = body["SingleMasterChannelEndpointConfiguration"] as JsonObject;
            var role = (string?)configuration?["Role"] ?? "MASTER";
            if (role != "MASTER" && role != "VIEWER") throw ApiError.InvalidArgument($"Role {role} is not MASTER or VIEWER.");
            var protocols = (configuration?["Protocols"] as JsonArray)?.Select(p => (string?)p).ToList() ?? new List<string?> { "WSS", "HTTPS" };
            if (protocols.Any(p => p != "WSS" && p != "HTTPS" && p != "WEBRTC")) throw ApiError.InvalidArgument("Protocols may be WSS, HTTPS and WEBRTC.");
            if (protocols.Contains("WEBRTC") && channel.StreamArn == null)
                throw ApiError.InvalidArgument($"The channel {channel.Name} has no media storage configured, so it has no WEBRTC endpoint.");
            return new JsonObject
            {
                ["ResourceEndpointList"] = new JsonArray(protocols.Distinct().Select(p => (JsonNode)new JsonObject
                {
                    ["Protocol"] = p,
                    ["ResourceEndpoint"] = p == "WSS" ? webSocketUrl() : endpointUrl(),
                }).ToArray()),
            };
        }

        private JsonObject? DescribeMediaStorageConfiguration(JsonObject body)
        {
            var channel = Channel(body);
            var configuration = new JsonObject { ["Status"] = channel.StreamArn == null ? "DISABLED" : "ENABLED" };
            if (channel.StreamArn != null) configuration["StreamARN"] = channel.StreamArn;
            return new JsonObject { ["MediaStorageConfiguration"] = configuration };
        }

        private JsonObject? UpdateMediaStorageConfiguration(JsonObject body)
        {
            var channel = Channel(body, byNameToo: false);
            var configuration = body["MediaStorageConfiguration"] as JsonObject ?? throw ApiError.InvalidArgument("MediaStorageConfiguration is required.");
            var status = (string?)configuration["Status"];
            if (status == "ENABLED")
            {
                var streamArn = (string?)configuration["StreamARN"];
                if (state.StreamByArn(streamArn) == null) throw ApiError.NotFound($"The stream {streamArn} does not exist.");
                channel.StreamArn = streamArn;
            }
            else if (status == "DISABLED")
            {
                channel.StreamArn = null;
            }
            else
            {
                throw ApiError.InvalidArgument("Status must be ENABLED or DISABLED.");
            }
            channel.Version++;
            state.Save();
            return new JsonObject();
        }

        private JsonObject? CreateStream(JsonObject body)
        {
            var name = Name(body, "StreamName");
            if (state.Streams.ContainsKey(name)) throw ApiError.InUse($"The stream {name} already exists.");
            var created = state.NextCreationTime();
            var stream = new StreamRecord
            {
                Name = name,
                Arn = $"arn:aws:kinesisvideo:{options.Region}:{options.AccountId}:stream/{name}/{created}",
                CreationTimeMs = created,
                MediaType = (string?)body["MediaType"],
                DataRetentionInHours = (int?)body["DataRetentionInHours"] ?? 0,
            };
            state.Streams[name] = stream;
            state.Save();
            return new JsonObject { ["StreamARN"] = stream.Arn };
        }

        private JsonObject? DescribeStream(JsonObject body)
        {
            var stream = Stream(body);
            return new JsonObject
            {
                ["StreamInfo"] = new JsonObject
                {
                    ["StreamName"] = stream.Name,
                    ["StreamARN"] = stream.Arn,
                    ["MediaType"] = stream.MediaType,
                    ["Version"] = stream.Version.ToString(CultureInfo.InvariantCulture),
                    ["Status"] = "ACTIVE",
                    ["CreationTime"] = stream.CreationTimeMs / 1000.0,
                    ["DataRetentionInHours"] = stream.DataRetentionInHours,
                },
            };
        }

        private JsonObject? DeleteStream(JsonObject body)
        {
            var stream = Stream(body);
            state.Streams.Remove(stream.Name);
            foreach (var channel in state.Channels.Values.Where(c => c.StreamArn == stream.Arn)) channel.StreamArn = null;
            state.Save();
            return new JsonObject();
        }

        private JsonObject? GetIceServerConfig(JsonObject body)
        {
            var channel = Channel(body, byNameToo: false);
            var servers = new JsonArray();
            if (turnCredentials != null)
            {
                var (username, password) = turnCredentials.Issue((string?)body["ClientId"] ?? channel.Name, DateTimeOffset.UtcNow.Add(options.TurnCredentialTtl));
                servers.Add((JsonNode)new JsonObject
                {
                    ["Uris"] = new JsonArray(turnUris.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
                    ["Username"] = username,
                    ["Password"] = password,
                    ["Ttl"] = (int)options.TurnCredentialTtl.TotalSeconds,
                });
            }
            return new JsonObject { ["IceServerList"] = servers };
        }

        private JsonObject? JoinStorageSession(JsonObject body, bool asViewer)
        {
            var arn = (string?)body["channelArn"] ?? throw ApiError.InvalidArgument("channelArn is required.");
            var channel = state.ChannelByArn(arn) ?? throw ApiError.NotFound($"The channel {arn} does not exist.");
            string? clientId = null;
            if (asViewer)
            {
                clientId = (string?)body["clientId"];
                if (!ResourceNames.IsValid(clientId)) throw ApiError.InvalidArgument("clientId is required: 1 to 256 of [a-zA-Z0-9_.-].");
            }
            if (channel.StreamArn == null)
                throw ApiError.InvalidArgument($"The channel {channel.Name} has no media storage configured; link a stream with UpdateMediaStorageConfiguration.");

            if (asViewer && ViewerJoinAllowed?.Invoke(arn, clientId!) == false)
                throw ApiError.ClientLimitExceeded($"The storage session of channel {channel.Name} already has the maximum number of viewers ({options.MaxViewers}).");
            bool dropped = options.DropJoins > 0;
            if (dropped) options.DropJoins--;
            Joins.Add(new JsonObject { ["ChannelARN"] = arn, ["ClientId"] = clientId, ["Dropped"] = dropped, ["At"] = DateTime.UtcNow.ToString("o") });
            if (!dropped) StorageSessionRequested?.Invoke(arn, clientId);
            return null;
        }

        private static string Name(JsonObject body, string member)
        {
            var name = (string?)body[member];
            if (!ResourceNames.IsValid(name)) throw ApiError.InvalidArgument($"{member} must be 1 to 256 of [a-zA-Z0-9_.-].");
            return name!; // IsValid rejects null
        }

        private ChannelRecord Channel(JsonObject body, bool byNameToo = true)
        {
            var arn = (string?)body["ChannelARN"];
            var name = byNameToo ? (string?)body["ChannelName"] : null;
            if (arn == null && name == null) throw ApiError.InvalidArgument(byNameToo ? "ChannelName or ChannelARN is required." : "ChannelARN is required.");
            var channel = arn != null ? state.ChannelByArn(arn) : state.Channels.TryGetValue(name!, out var named) ? named : null;
            return channel ?? throw ApiError.NotFound("The requested channel is not found or not active.");
        }

        private StreamRecord Stream(JsonObject body)
        {
            var arn = (string?)body["StreamARN"];
            var name = (string?)body["StreamName"];
            var stream = arn != null ? state.StreamByArn(arn) : name != null && state.Streams.TryGetValue(name, out var named) ? named : null;
            return stream ?? throw ApiError.NotFound("The requested stream is not found or not active.");
        }

        private static JsonObject Info(ChannelRecord channel) => new JsonObject
        {
            ["ChannelName"] = channel.Name,
            ["ChannelARN"] = channel.Arn,
            ["ChannelType"] = channel.Type,
            ["ChannelStatus"] = "ACTIVE",
            ["CreationTime"] = channel.CreationTimeMs / 1000.0,
            ["SingleMasterConfiguration"] = new JsonObject { ["MessageTtlSeconds"] = channel.MessageTtlSeconds },
            ["Version"] = channel.Version.ToString(CultureInfo.InvariantCulture),
        };
    }
}
