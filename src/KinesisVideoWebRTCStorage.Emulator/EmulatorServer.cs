using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Emulator.Turn;
using KinesisVideoWebRTCStorage.Signaling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>The emulator could not start, e.g. because its port is taken.</summary>
    public sealed class EmulatorStartException : Exception
    {
        public EmulatorStartException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>
    /// The local Kinesis Video emulator on Kestrel: the control plane, GetIceServerConfig, JoinStorageSession and the
    /// signaling WebSocket on one port, SigV4-verified against the configured key pair, plus an unsigned admin API
    /// under /_emulator for tests.
    /// </summary>
    public sealed class EmulatorServer : IAsyncDisposable
    {
        private const int MaxRequestBytes = 1024 * 1024;

        private readonly WebApplication app;
        private readonly SigV4Verifier verifier;

        private EmulatorServer(EmulatorOptions options, WebApplication app)
        {
            Options = options;
            this.app = app;
            State = new EmulatorState(options.DataDirectory);
            verifier = new SigV4Verifier(id => id == options.AccessKey ? options.SecretKey : null) { AllowedClockSkew = options.AllowedClockSkew };
            Hub = new SignalingHub(options);
            ControlPlane = new ControlPlane(options, State, () => PublicUrl(Scheme), () => PublicUrl(WebSocketScheme));
            Storage = new StorageService(options, State, Hub, ControlPlane, message => options.Log?.Invoke(message));
        }

        public EmulatorOptions Options { get; }
        public EmulatorState State { get; }
        public ControlPlane ControlPlane { get; }
        public SignalingHub Hub { get; }
        public StorageService Storage { get; }

        /// <summary>The emulator's own TURN server, or null when <see cref="EmulatorOptions.TurnUris"/> names an external one.</summary>
        public EmulatorTurnServer? Turn { get; private set; }
        public Uri EndpointUrl { get; private set; } = new Uri("http://127.0.0.1/");
        public string WebSocketUrl => $"{WebSocketScheme}://{EndpointUrl.Authority}";
        private string Scheme => Options.TlsCertificate == null ? "http" : "https";
        private string WebSocketScheme => Options.TlsCertificate == null ? "ws" : "wss";

        /// <summary>The endpoint handed out to clients: <see cref="EmulatorOptions.PublicHost"/> when set.</summary>
        private string PublicUrl(string scheme) => FormatEndpoint(scheme, Options.PublicHost ?? EndpointUrl.Host, EndpointUrl.Port);

        /// <summary>scheme://host, with :port only when it is not the scheme's default (the KVS C SDK refuses one).</summary>
        internal static string FormatEndpoint(string scheme, string host, int port)
        {
            bool secure = scheme == "https" || scheme == "wss";
            return port == (secure ? 443 : 80) ? $"{scheme}://{host}" : $"{scheme}://{host}:{port}";
        }

        /// <summary>How long stopping waits for open connections before aborting them.</summary>
        private static readonly TimeSpan ShutdownDrain = TimeSpan.FromSeconds(1);

        public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
        {
            if (options.DataDirectory != null) Directory.CreateDirectory(options.DataDirectory);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = MaxRequestBytes;
                kestrel.Listen(IPAddress.Parse(options.Host), options.Port, listen =>
                {
                    if (options.TlsCertificate != null) listen.UseHttps(options.TlsCertificate);
                });
            });
            var app = builder.Build();
            var server = new EmulatorServer(options, app);
            app.UseWebSockets();
            app.Run(server.DispatchAsync);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use"))
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw new EmulatorStartException($"Port {options.Port} on {options.Host} is already in use. Stop what uses it, or pass --port 0 to take a free port.", e);
            }
            if (options.TurnUris.Count == 0)
            {
                try
                {
                    server.Turn = StartTurn(options);
                }
                catch (EmulatorStartException)
                {
                    await app.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
                server.ControlPlane.UseTurn(server.Turn.Uris, server.Turn.Credentials);
            }
            foreach (var channel in options.StorageChannels) server.ControlPlane.CreateStorageChannel(channel);
            var address = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1"));
            server.EndpointUrl = new Uri(FormatEndpoint(server.Scheme, address.Host, address.Port));
            return server;
        }

        /// <summary>TURN on the address the emulator listens on (loopback when that is any address), with a secret of its own.</summary>
        private static EmulatorTurnServer StartTurn(EmulatorOptions options)
        {
            var address = IPAddress.Parse(options.Host);
            if (address.Equals(IPAddress.Any)) address = IPAddress.Loopback;
            else if (address.Equals(IPAddress.IPv6Any)) address = IPAddress.IPv6Loopback;
            var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
            return EmulatorTurnServer.Start(address, options.TurnPort, new TurnRestCredentials(secret), options.Log);
        }

        /// <summary>Ends the storage sessions (finishing their recordings), then stops listening.</summary>
        public async Task StopAsync()
        {
            await Storage.DisposeAsync().ConfigureAwait(false);
            if (Turn != null) await Turn.DisposeAsync().ConfigureAwait(false);
            await Hub.CloseAllAsync("the emulator is stopping").ConfigureAwait(false);
            // Kestrel would wait up to 30 s for connections to drain; past this bound it aborts them.
            using var drain = new CancellationTokenSource(ShutdownDrain);
            await app.StopAsync(drain.Token).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await Storage.DisposeAsync().ConfigureAwait(false);
            if (Turn != null) await Turn.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        private async Task DispatchAsync(HttpContext context)
        {
            var path = context.Request.Path.Value ?? "/";
            if (path.StartsWith("/_emulator/", StringComparison.Ordinal))
            {
                await AdminAsync(context, path).ConfigureAwait(false);
                return;
            }
            if (context.WebSockets.IsWebSocketRequest)
            {
                await SignalingAsync(context).ConfigureAwait(false);
                return;
            }
            if (HttpMethods.IsPost(context.Request.Method))
            {
                await ApiAsync(context, path).ConfigureAwait(false);
                return;
            }
            await WriteErrorAsync(context, new ApiError(404, "UnknownOperationException", $"{context.Request.Method} {path} is not an operation of this endpoint."), false)
                .ConfigureAwait(false);
        }

        private async Task ApiAsync(HttpContext context, string path)
        {
            bool lowerCase = ControlPlane.UsesLowerCaseMessage(path);
            try
            {
                var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
                bool throttled;
                lock (State.Gate)
                {
                    throttled = Options.ThrottleRequests > 0;
                    if (throttled) Options.ThrottleRequests--;
                }
                if (throttled)
                    throw new ApiError(400, "ClientLimitExceededException", "Request rate exceeded; slow down and retry.");
                var verification = verifier.Verify(ToReceived(context.Request, body));
                if (!verification.IsValid) throw ApiError.AccessDenied("The request signature could not be verified: " + verification.Reason + ".");
                if (verification.Region != Options.Region || verification.Service != KvsEndpoints.ServiceName)
                    throw ApiError.AccessDenied($"The credential is scoped to {verification.Region}/{verification.Service}; this emulator serves {Options.Region}/{KvsEndpoints.ServiceName}.");

                var operation = ControlPlane.Operation(path) ?? throw new ApiError(404, "UnknownOperationException", $"{path} is not an operation of this endpoint.");
                JsonObject request;
                try
                {
                    request = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body) as JsonObject ?? throw ApiError.InvalidArgument("The request body must be a JSON object.");
                }
                catch (JsonException)
                {
                    throw ApiError.InvalidArgument("The request body is not valid JSON.");
                }

                JsonObject? response;
                lock (State.Gate) response = operation(request);
                context.Response.StatusCode = 200;
                context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
                if (response != null)
                {
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(response.ToJsonString(MinimalJsonEncoder.Compact)).ConfigureAwait(false);
                }
            }
            catch (ApiError error)
            {
                await WriteErrorAsync(context, error, lowerCase).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (context.Request.ContentLength > MaxRequestBytes)
            {
                await WriteErrorAsync(context, ApiError.InvalidArgument("The request body is too large."), lowerCase).ConfigureAwait(false);
            }
        }

        private async Task SignalingAsync(HttpContext context)
        {
            var query = context.Request.QueryString.Value ?? "";
            var verification = verifier.Verify(ToReceived(context.Request, Array.Empty<byte>()));
            var parameters = SigV4Verifier.ParseQuery(query.TrimStart('?'));
            string? Get(string key) => parameters.Where(p => p.Key == key).Select(p => p.Value).FirstOrDefault();
            var channelArn = Get("X-Amz-ChannelARN");
            var clientId = Get("X-Amz-ClientId");
            string? refusal = null;
            if (!verification.IsValid) refusal = "the presigned URL could not be verified: " + verification.Reason;
            else if (verification.Region != Options.Region) refusal = $"the URL is signed for {verification.Region}; this emulator serves {Options.Region}";
            else if (channelArn == null) refusal = "X-Amz-ChannelARN is missing";
            else if (clientId != null && !SignalingCodec.IsValidClientId(clientId)) refusal = "X-Amz-ClientId is not a valid client id";
            else
                lock (State.Gate)
                    if (State.ChannelByArn(channelArn) == null) refusal = $"the channel {channelArn} does not exist";

            if (refusal != null)
            {
                context.Response.StatusCode = 403;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(new JsonObject { ["message"] = "Forbidden: " + refusal + "." }.ToJsonString(MinimalJsonEncoder.Compact)).ConfigureAwait(false);
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            await Hub.RunAsync(channelArn!, clientId, socket).ConfigureAwait(false);
        }

        private async Task AdminAsync(HttpContext context, string path)
        {
            JsonObject body = new JsonObject();
            if (HttpMethods.IsPost(context.Request.Method))
            {
                try
                {
                    body = JsonNode.Parse(await ReadBodyAsync(context.Request).ConfigureAwait(false)) as JsonObject ?? body;
                }
                catch (JsonException)
                {
                    context.Response.StatusCode = 400;
                    return;
                }
            }
            JsonObject result;
            switch (path)
            {
                case "/_emulator/status":
                    lock (State.Gate)
                    {
                        result = new JsonObject
                        {
                            ["Channels"] = State.Channels.Count,
                            ["Streams"] = State.Streams.Count,
                            ["RelayedMessages"] = Hub.RelayedMessages,
                            ["Connections"] = new JsonArray(Hub.Peers.Select(p => (JsonNode)new JsonObject
                            {
                                ["ChannelARN"] = p.ChannelArn,
                                ["Role"] = p.IsMaster ? "MASTER" : "VIEWER",
                                ["ClientId"] = p.ClientId,
                            }).ToArray()),
                            ["Joins"] = new JsonArray(ControlPlane.Joins.Select(j => j.DeepClone()).ToArray()),
                            ["RecordingsDirectory"] = Storage.RecordingsDirectory,
                            ["Participants"] = new JsonArray(Storage.Rooms.SelectMany(room =>
                                (room.Master is { State: not StorageSessionState.Ended } master
                                    ? new[] { (JsonNode)new JsonObject { ["ChannelARN"] = room.ChannelArn, ["Role"] = "MASTER", ["State"] = master.State.ToString() } }
                                    : Array.Empty<JsonNode>())
                                .Concat(room.Viewers.Select(viewer => (JsonNode)new JsonObject
                                {
                                    ["ChannelARN"] = room.ChannelArn,
                                    ["Role"] = "VIEWER",
                                    ["ClientId"] = viewer.ClientId,
                                    ["State"] = viewer.State.ToString(),
                                    ["VideoFramesForwarded"] = viewer.VideoFramesForwarded,
                                    ["AudioFramesSent"] = viewer.AudioFramesSent,
                                }))).ToArray()),
                            ["StorageSessions"] = new JsonArray(Storage.Sessions.Select(session => (JsonNode)new JsonObject
                            {
                                ["ChannelARN"] = session.ChannelArn,
                                ["StreamName"] = session.StreamName,
                                ["State"] = session.State.ToString(),
                                ["StartedAt"] = session.StartedAt.ToString("o"),
                                ["EndedAt"] = session.EndedAt?.ToString("o"),
                                ["EndReason"] = session.EndReason,
                                ["RecordingPath"] = session.Recorded ? session.RecordingPath : null,
                                ["VideoFrames"] = session.VideoFramesRecorded,
                                ["AudioFrames"] = session.AudioFramesRecorded,
                                ["Bytes"] = session.BytesRecorded,
                            }).ToArray()),
                        };
                    }
                    break;
                case "/_emulator/knobs":
                    lock (State.Gate)
                    {
                        if (body["DropJoins"] is JsonNode drop) Options.DropJoins = (int)drop;
                        if (body["ThrottleRequests"] is JsonNode throttle) Options.ThrottleRequests = (int)throttle;
                    }
                    if (body["IdleTimeoutSeconds"] is JsonNode idle) Options.IdleTimeout = TimeSpan.FromSeconds((double)idle);
                    if (body["ConnectionLifetimeSeconds"] is JsonNode lifetime) Options.ConnectionLifetime = TimeSpan.FromSeconds((double)lifetime);
                    if (body["GoAwayGraceSeconds"] is JsonNode grace) Options.GoAwayGrace = TimeSpan.FromSeconds((double)grace);
                    if (body["StorageSessionLimitSeconds"] is JsonNode limit) Options.StorageSessionLimit = TimeSpan.FromSeconds((double)limit);
                    if (body["StorageMediaTimeoutSeconds"] is JsonNode media) Options.StorageMediaTimeout = TimeSpan.FromSeconds((double)media);
                    if (body["CandidatesBeforeOffer"] is JsonNode early) Options.CandidatesBeforeOffer = (bool)early;
                    result = new JsonObject { ["DropJoins"] = Options.DropJoins, ["ThrottleRequests"] = Options.ThrottleRequests };
                    break;
                case "/_emulator/inject":
                    var arn = (string?)body["ChannelARN"] ?? "";
                    if (!Enum.TryParse<SignalingMessageType>((string?)body["MessageType"], out var type) ||
                        (type != SignalingMessageType.GO_AWAY && type != SignalingMessageType.RECONNECT_ICE_SERVER))
                    {
                        context.Response.StatusCode = 400;
                        await context.Response.WriteAsync("{\"message\":\"MessageType must be GO_AWAY or RECONNECT_ICE_SERVER\"}").ConfigureAwait(false);
                        return;
                    }
                    result = new JsonObject { ["Delivered"] = await Hub.InjectAsync(arn, type).ConfigureAwait(false) };
                    break;
                default:
                    context.Response.StatusCode = 404;
                    return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(result.ToJsonString(MinimalJsonEncoder.Compact)).ConfigureAwait(false);
        }

        private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer).ConfigureAwait(false);
            return buffer.ToArray();
        }

        private static ReceivedRequest ToReceived(HttpRequest request, byte[] body)
        {
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var header in request.Headers)
                foreach (var value in header.Value)
                    headers.Add(new KeyValuePair<string, string>(header.Key, value ?? ""));
            // Kestrel exposes the path decoded; the signature covers it as sent.
            var rawTarget = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
            int q = rawTarget.IndexOf('?');
            return new ReceivedRequest(request.Method, q < 0 ? rawTarget : rawTarget.Substring(0, q), request.QueryString.Value, headers, body);
        }

        private static async Task WriteErrorAsync(HttpContext context, ApiError error, bool lowerCaseMessage)
        {
            context.Response.StatusCode = error.Status;
            context.Response.Headers["x-amzn-ErrorType"] = error.Type + ":http://internal.amazon.com/coral/com.amazonaws.kinesisvideo.v20170930/";
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject { [lowerCaseMessage ? "message" : "Message"] = error.Message }.ToJsonString(MinimalJsonEncoder.Compact)).ConfigureAwait(false);
        }
    }
}
