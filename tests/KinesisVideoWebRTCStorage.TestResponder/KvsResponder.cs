using System;
using System.Collections.Concurrent;
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

namespace KinesisVideoWebRTCStorage.TestResponder
{
    /// <summary>A request as the responder received it, with its signature checked.</summary>
    public sealed class RecordedRequest
    {
        public RecordedRequest(ReceivedRequest raw, SigV4Verification signature)
        {
            Raw = raw;
            Signature = signature;
            Json = raw.Body.Length == 0 ? null : TryParse(raw.Body);
        }

        public ReceivedRequest Raw { get; }
        public SigV4Verification Signature { get; }
        public JsonObject? Json { get; }
        public string Path => Raw.RawPath;

        private static JsonObject? TryParse(byte[] body)
        {
            try { return JsonNode.Parse(body) as JsonObject; }
            catch (JsonException) { return null; }
        }
    }

    public sealed class ScriptedResponse
    {
        public ScriptedResponse(int status, string? body = null, string? errorType = null)
        {
            Status = status;
            Body = body;
            ErrorType = errorType;
        }

        public int Status { get; }
        public string? Body { get; }

        /// <summary>Sent as x-amzn-ErrorType when set.</summary>
        public string? ErrorType { get; }
    }

    /// <summary>
    /// A small, scriptable stand-in for the Kinesis Video control plane, signaling HTTPS API and storage API on 127.0.0.1.
    /// It records every request, verifies SigV4 against one key pair, and keeps channels in memory. Tests script
    /// failures (throttling, error bodies, silence) through <see cref="Script"/> and <see cref="NeverAnswer"/>.
    /// </summary>
    public sealed class KvsResponder : IDisposable
    {
        public const string DefaultAccessKey = "AKIDRESPONDERTEST";
        public const string DefaultSecretKey = "responder/secret/key/for/tests/only";
        public const string Region = "us-west-2";
        public const string AccountId = "123456789012";

        private readonly HttpListener listener = new HttpListener();
        private readonly SigV4Verifier verifier;
        private readonly ConcurrentQueue<RecordedRequest> requests = new ConcurrentQueue<RecordedRequest>();
        private readonly Dictionary<string, Channel> channels = new Dictionary<string, Channel>(StringComparer.Ordinal);
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private long clock = 1700000000000;

        public KvsResponder(string accessKey = DefaultAccessKey, string secretKey = DefaultSecretKey, int port = 0)
        {
            AccessKey = accessKey;
            SecretKey = secretKey;
            verifier = new SigV4Verifier(id => id == AccessKey ? SecretKey : null);
            Port = port == 0 ? FreePort() : port;
            Endpoint = new Uri($"http://127.0.0.1:{Port}");
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            listener.Start();
            _ = Task.Run(AcceptLoop);
        }

        public string AccessKey { get; }
        public string SecretKey { get; }
        public int Port { get; }
        public Uri Endpoint { get; }

        /// <summary>Answers a request before the built-in behaviour; return null to fall through.</summary>
        public Func<RecordedRequest, ScriptedResponse?>? Script { get; set; }

        /// <summary>Hold every request open without answering.</summary>
        public bool NeverAnswer { get; set; }

        public IReadOnlyList<RecordedRequest> Requests => requests.ToArray();

        public string AddChannel(string name, bool storageEnabled)
        {
            lock (channels)
            {
                var arn = $"arn:aws:kinesisvideo:{Region}:{AccountId}:channel/{name}/{++clock}";
                channels[name] = new Channel(name, arn, storageEnabled ? $"arn:aws:kinesisvideo:{Region}:{AccountId}:stream/{name}-stream/{clock}" : null);
                return arn;
            }
        }

        public void Dispose()
        {
            stopping.Cancel();
            try { listener.Stop(); listener.Close(); }
            catch (ObjectDisposedException) { }
            // The managed listener can fail to unregister a prefix that another listener in the process reuses.
            catch (HttpListenerException) { }
        }

        private static int FreePort()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }

        private async Task AcceptLoop()
        {
            while (!stopping.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync().ConfigureAwait(false); }
                catch (Exception) when (stopping.IsCancellationRequested) { return; }
                catch (HttpListenerException) { return; }
                catch (ObjectDisposedException) { return; }
                _ = Task.Run(() => Serve(context));
            }
        }

        private async Task Serve(HttpListenerContext context)
        {
            try
            {
                byte[] body;
                using (var buffer = new MemoryStream())
                {
                    await context.Request.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
                    body = buffer.ToArray();
                }
                var rawUrl = context.Request.RawUrl ?? "/";
                int q = rawUrl.IndexOf('?');
                var headers = context.Request.Headers.AllKeys.Where(k => k != null)
                    .Select(k => new KeyValuePair<string, string>(k!, context.Request.Headers[k] ?? "")).ToList();
                var raw = new ReceivedRequest(context.Request.HttpMethod, q < 0 ? rawUrl : rawUrl.Substring(0, q), q < 0 ? "" : rawUrl.Substring(q + 1), headers, body);
                if (raw.Method == "GET" && raw.RawPath == "/_responder/requests")
                {
                    // Unsigned and unrecorded: lets out-of-process tests (Pester) count what reached the responder.
                    await Write(context, new ScriptedResponse(200, new JsonObject { ["RequestCount"] = requests.Count }.ToJsonString())).ConfigureAwait(false);
                    return;
                }
                var recorded = new RecordedRequest(raw, verifier.Verify(raw));
                requests.Enqueue(recorded);

                if (NeverAnswer)
                {
                    await Task.Delay(Timeout.Infinite, stopping.Token).ConfigureAwait(false);
                    return;
                }

                await Write(context, Script?.Invoke(recorded) ?? Handle(recorded)).ConfigureAwait(false);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
            }
            catch (HttpListenerException)
            {
                // The client went away (for example after its own timeout).
            }
        }

        private static async Task Write(HttpListenerContext context, ScriptedResponse response)
        {
            context.Response.StatusCode = response.Status;
            if (response.ErrorType != null) context.Response.Headers["x-amzn-ErrorType"] = response.ErrorType;
            context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            var bytes = Encoding.UTF8.GetBytes(response.Body ?? "");
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            context.Response.Close();
        }

        private static ScriptedResponse Error(int status, string type, string message, bool lowerCaseMessage = false) =>
            new ScriptedResponse(status, new JsonObject { [lowerCaseMessage ? "message" : "Message"] = message }.ToJsonString(), type + ":http://internal.amazon.com/coral/com.amazonaws.kinesisvideo.v20170930/");

        private static ScriptedResponse Ok(JsonObject? body = null) => new ScriptedResponse(200, body?.ToJsonString() ?? "");

        private ScriptedResponse Handle(RecordedRequest request)
        {
            if (!request.Signature.IsValid) return Error(403, "AccessDeniedException", "Signature check failed: " + request.Signature.Reason);
            if (request.Raw.Method != "POST") return Error(404, "ResourceNotFoundException", "Unknown operation.");
            var json = request.Json ?? new JsonObject();
            lock (channels)
            {
                switch (request.Path)
                {
                    case "/createSignalingChannel":
                    {
                        var name = (string?)json["ChannelName"] ?? "";
                        if (channels.ContainsKey(name)) return Error(400, "ResourceInUseException", $"The signaling channel {name} already exists.");
                        return Ok(new JsonObject { ["ChannelARN"] = AddChannel(name, false) });
                    }
                    case "/describeSignalingChannel":
                    {
                        var channel = Find(json, "ChannelName", "ChannelARN");
                        return channel == null ? NotFound() : Ok(new JsonObject { ["ChannelInfo"] = channel.Info() });
                    }
                    case "/listSignalingChannels":
                    {
                        var all = channels.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
                        int start = int.TryParse((string?)json["NextToken"], out var s) ? s : 0;
                        int max = (int?)json["MaxResults"] ?? 10000;
                        var page = all.Skip(start).Take(max).Select(c => (JsonNode)c.Info()).ToArray();
                        var body = new JsonObject { ["ChannelInfoList"] = new JsonArray(page) };
                        if (start + max < all.Count) body["NextToken"] = (start + max).ToString();
                        return Ok(body);
                    }
                    case "/deleteSignalingChannel":
                    {
                        var channel = Find(json, null, "ChannelARN");
                        if (channel == null) return NotFound();
                        channels.Remove(channel.Name);
                        return Ok();
                    }
                    case "/getSignalingChannelEndpoint":
                    {
                        var channel = Find(json, null, "ChannelARN");
                        if (channel == null) return NotFound();
                        var protocols = (json["SingleMasterChannelEndpointConfiguration"]?["Protocols"] as JsonArray)?.Select(p => (string?)p).ToList() ?? new List<string?>();
                        if (protocols.Contains("WEBRTC") && channel.StreamArn == null)
                            return Error(400, "InvalidArgumentException", "The channel is not configured for WebRTC ingestion.");
                        var list = new JsonArray(protocols.Select(p => (JsonNode)new JsonObject
                        {
                            ["Protocol"] = p,
                            ["ResourceEndpoint"] = p == "WSS" ? $"ws://127.0.0.1:{Port}" : Endpoint.ToString().TrimEnd('/'),
                        }).ToArray());
                        return Ok(new JsonObject { ["ResourceEndpointList"] = list });
                    }
                    case "/describeMediaStorageConfiguration":
                    {
                        var channel = Find(json, "ChannelName", "ChannelARN");
                        if (channel == null) return NotFound();
                        var configuration = new JsonObject { ["Status"] = channel.StreamArn == null ? "DISABLED" : "ENABLED" };
                        if (channel.StreamArn != null) configuration["StreamARN"] = channel.StreamArn;
                        return Ok(new JsonObject { ["MediaStorageConfiguration"] = configuration });
                    }
                    case "/updateMediaStorageConfiguration":
                    {
                        var channel = Find(json, null, "ChannelARN");
                        if (channel == null) return NotFound();
                        var status = (string?)json["MediaStorageConfiguration"]?["Status"];
                        channel.StreamArn = status == "ENABLED" ? (string?)json["MediaStorageConfiguration"]?["StreamARN"] : null;
                        return Ok();
                    }
                    case "/v1/get-ice-server-config":
                    {
                        if (Find(json, null, "ChannelARN") == null) return NotFound();
                        return Ok(new JsonObject
                        {
                            ["IceServerList"] = new JsonArray(new JsonObject
                            {
                                ["Uris"] = new JsonArray("turn:127.0.0.1:3478?transport=udp"),
                                ["Username"] = "1700000300:responder",
                                ["Password"] = "turn-password",
                                ["Ttl"] = 300,
                            }),
                        });
                    }
                    case "/joinStorageSession":
                    case "/joinStorageSessionAsViewer":
                    {
                        var channel = Find(json, null, "channelArn");
                        if (channel == null) return Error(404, "ResourceNotFoundException", "The requested channel is not found.", lowerCaseMessage: true);
                        if (channel.StreamArn == null)
                            return Error(400, "InvalidArgumentException", "The channel has no media storage configured.", lowerCaseMessage: true);
                        return Ok();
                    }
                    default:
                        return Error(404, "ResourceNotFoundException", $"Unknown operation {request.Path}.");
                }
            }
        }

        private static ScriptedResponse NotFound() => Error(404, "ResourceNotFoundException", "The requested channel is not found or not active.");

        private Channel? Find(JsonObject json, string? nameMember, string arnMember)
        {
            var arn = (string?)json[arnMember];
            if (arn != null) return channels.Values.FirstOrDefault(c => c.Arn == arn);
            var name = nameMember == null ? null : (string?)json[nameMember];
            return name != null && channels.TryGetValue(name, out var channel) ? channel : null;
        }

        private sealed class Channel
        {
            public Channel(string name, string arn, string? streamArn)
            {
                Name = name;
                Arn = arn;
                StreamArn = streamArn;
            }

            public string Name { get; }
            public string Arn { get; }
            public string? StreamArn { get; set; }

            public JsonObject Info() => new JsonObject
            {
                ["ChannelName"] = Name,
                ["ChannelARN"] = Arn,
                ["ChannelType"] = "SINGLE_MASTER",
                ["ChannelStatus"] = "ACTIVE",
                ["CreationTime"] = 1700000000.123,
                ["SingleMasterConfiguration"] = new JsonObject { ["MessageTtlSeconds"] = 60 },
                ["Version"] = "v1",
            };
        }
    }
}
