using System;
using System.CommandLine;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Emulator;

namespace KinesisVideoWebRTCStorage.Cli
{
    /// <summary>kvwebrtc emulator: runs the local Kinesis Video emulator until Ctrl+C.</summary>
    internal static class EmulatorCommand
    {
        public static Command Create()
        {
            var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 4566 };
            var dataDir = new Option<string?>("--data-dir") { Description = "Folder for state and recordings; memory only when omitted." };
            var region = new Option<string>("--region") { Description = "The region the emulator serves.", DefaultValueFactory = _ => "us-west-2" };
            var turn = new Option<string[]>("--turn-uri") { Description = "An external TURN server's URI to hand out from GetIceServerConfig instead of the emulator's own (repeatable)." };
            var turnSecret = new Option<string?>("--turn-secret") { Description = "The external TURN server's shared secret (coturn use-auth-secret)." };
            var turnPort = new Option<int>("--turn-port") { Description = "UDP and TCP port of the emulator's own TURN server (0, the default, picks a free one)." };
            var maxViewers = new Option<int>("--max-viewers")
            {
                Description = "Viewers each storage session takes; one more JoinStorageSessionAsViewer is a ClientLimitExceededException (default 3).",
                DefaultValueFactory = _ => 3,
            };
            var dropJoins = new Option<int>("--drop-joins") { Description = "Accept and ignore the first N JoinStorageSession calls." };
            var sessionLimit = new Option<double?>("--session-limit") { Description = "Seconds after which a storage session ends (default 3600, as the service)." };
            var storageChannel = new Option<string[]>("--storage-channel") { Description = "Create this channel with a linked stream <name>-stream at start (repeatable)." };
            var tls = new Option<bool>("--tls") { Description = "Serve HTTPS and WSS with a certificate from a private CA made in the data folder (its path is printed, for AWS_CA_BUNDLE or AWS_KVS_CACERT_PATH)." };
            var tlsCert = new Option<string?>("--tls-cert") { Description = "Serve HTTPS and WSS with this PEM certificate (with --tls-key)." };
            var tlsKey = new Option<string?>("--tls-key") { Description = "The PEM private key of --tls-cert." };
            var publicHost = new Option<string?>("--public-host") { Description = "Host name in the endpoints handed out (e.g. kinesisvideo.us-west-2.amazonaws.com behind a hosts-file entry); no port on 443." };
            var json = new Option<bool>("--json") { Description = "Print the ready line as JSON (for scripts)." };
            var exitOnStdinClose = new Option<bool>("--exit-on-stdin-close") { Description = "Stop when standard input closes (used by Start-KVLocalEmulator)." };
            var command = new Command("emulator", "Run the local Kinesis Video control plane, signaling and storage emulator.")
            {
                port, dataDir, region, turn, turnSecret, turnPort, maxViewers, dropJoins, sessionLimit, storageChannel, tls, tlsCert, tlsKey, publicHost, json, exitOnStdinClose,
            };
            command.Validators.Add(result =>
            {
                bool hasCert = result.GetValue(tlsCert) != null, hasKey = result.GetValue(tlsKey) != null;
                if (result.GetValue(turnPort) is < 0 or > 65535) result.AddError("--turn-port is a port number, 0-65535.");
                if (result.GetValue(maxViewers) < 0) result.AddError("--max-viewers is 0 or more.");
                if (hasCert != hasKey) result.AddError("--tls-cert and --tls-key go together: the PEM certificate and its private key.");
                else if (hasCert && result.GetValue(tls)) result.AddError("Give either --tls (a private CA's certificate) or --tls-cert with --tls-key, not both.");
            });
            command.SetAction(async (result, cancellationToken) =>
            {
                var options = new EmulatorOptions
                {
                    Port = result.GetValue(port),
                    DataDirectory = result.GetValue(dataDir),
                    Region = result.GetValue(region)!,
                    TurnSecret = result.GetValue(turnSecret),
                    TurnPort = result.GetValue(turnPort),
                    MaxViewers = result.GetValue(maxViewers),
                    DropJoins = result.GetValue(dropJoins),
                    PublicHost = result.GetValue(publicHost),
                };
                string? caPath = null;
                try
                {
                    var certificate = result.GetValue(tlsCert) is string certPath ? EmulatorTls.FromPem(certPath, result.GetValue(tlsKey)!)
                        : result.GetValue(tls) ? EmulatorTls.FromPrivateCa(TlsFolder(options.DataDirectory), options.PublicHost)
                        : null;
                    options.TlsCertificate = certificate?.Certificate;
                    caPath = certificate?.CaPath;
                }
                catch (EmulatorStartException e)
                {
                    Console.Error.WriteLine("kvwebrtc emulator: " + e.Message);
                    return 2;
                }
                // With --json, stdout carries only the ready line (a host may stop reading it); the log goes to stderr.
                var log = result.GetValue(json) ? Console.Error : Console.Out;
                options.Log = line => log.WriteLine(DateTime.UtcNow.ToString("HH:mm:ss.fff") + " " + line);
                if (result.GetValue(sessionLimit) is double limit) options.StorageSessionLimit = TimeSpan.FromSeconds(limit);
                options.TurnUris.AddRange(result.GetValue(turn) ?? Array.Empty<string>());
                options.StorageChannels.AddRange(result.GetValue(storageChannel) ?? Array.Empty<string>());
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (result.GetValue(exitOnStdinClose))
                {
                    // The parent holds our stdin: when it closes it, or dies, we stop too.
                    _ = Task.Run(async () =>
                    {
                        while (await Console.In.ReadLineAsync() != null)
                        {
                        }
                        stop.Cancel();
                    });
                }
                return await RunAsync(options, caPath, result.GetValue(json), stop.Token);
            });
            return command;
        }

        /// <summary>The private CA lives in the data folder, or, for an emulator in memory, in one folder per user.</summary>
        private static string TlsFolder(string? dataDirectory) => dataDirectory != null
            ? System.IO.Path.Combine(dataDirectory, "tls")
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "kvwebrtc", "emulator-tls");

        private static async Task<int> RunAsync(EmulatorOptions options, string? caPath, bool json, CancellationToken cancellationToken)
        {
            EmulatorServer server;
            try
            {
                server = await EmulatorServer.StartAsync(options, cancellationToken);
            }
            catch (EmulatorStartException e)
            {
                Console.Error.WriteLine("kvwebrtc emulator: " + e.Message);
                return 2;
            }

            await using (server)
            {
                var endpoint = server.EndpointUrl.ToString().TrimEnd('/');
                if (json)
                {
                    Console.WriteLine(new JsonObject
                    {
                        ["EndpointUrl"] = endpoint,
                        ["Region"] = options.Region,
                        ["AccessKey"] = options.AccessKey,
                        ["SecretKey"] = options.SecretKey,
                        ["DataDirectory"] = options.DataDirectory,
                        ["RecordingsDirectory"] = server.Storage.RecordingsDirectory,
                        ["CaBundle"] = caPath,
                        ["TurnUris"] = new JsonArray(server.ControlPlane.TurnUris.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
                    }.ToJsonString(MinimalJsonEncoder.Compact));
                }
                else
                {
                    Console.WriteLine($"Kinesis Video emulator listening on {endpoint} (region {options.Region}).");
                    Console.WriteLine($"  Test credentials: access key {options.AccessKey}, secret key {options.SecretKey}");
                    if (caPath != null) Console.WriteLine($"  TLS: the private CA is {caPath}; trust it with AWS_CA_BUNDLE={caPath} (AWS CLI and SDKs) or AWS_KVS_CACERT_PATH={caPath} (KVS C SDK)");
                    Console.WriteLine($"  TURN: {string.Join(", ", server.ControlPlane.TurnUris)} ({(server.Turn != null ? "the emulator's own" : "external")}, handed out by GetIceServerConfig with 5-minute credentials)");
                    if (options.PublicHost != null) Console.WriteLine($"  Endpoints handed out name {options.PublicHost}: point it at 127.0.0.1 in the hosts file");
                    Console.WriteLine($"  AWS CLI:    AWS_ACCESS_KEY_ID={options.AccessKey} AWS_SECRET_ACCESS_KEY={options.SecretKey} aws --region {options.Region} --endpoint-url {endpoint}{(caPath != null ? " --ca-bundle " + caPath : "")} kinesisvideo list-signaling-channels");
                    Console.WriteLine($"  PowerShell: Get-KVSignalingEndpoint -ChannelName <name> -EndpointUrl {endpoint} -Region {options.Region} -AccessKey {options.AccessKey} -SecretKey {options.SecretKey}");
                    Console.WriteLine(options.DataDirectory == null ? "  State is kept in memory." : $"  Data folder: {options.DataDirectory}");
                    Console.WriteLine($"  Recordings: {server.Storage.RecordingsDirectory}/<stream name>/<UTC start>.mkv");
                    Console.WriteLine("Press Ctrl+C to stop.");
                }
                Console.Out.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
                await server.StopAsync();
            }
            return 0;
        }
    }
}
