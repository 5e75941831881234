using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Emulator;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Emulator
{
    /// <summary>The AWS CLI, a client we did not write, against the emulator through --endpoint-url.</summary>
    public class AwsCliTests
    {
        private static (int ExitCode, string Output, string Error) Aws(EmulatorHarness emulator, params string[] arguments) => Aws(emulator, null, arguments);

        private static (int ExitCode, string Output, string Error) Aws(EmulatorHarness emulator, string? caBundle, string[] arguments)
        {
            var start = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (caBundle != null)
            {
                start.ArgumentList.Add("--ca-bundle");
                start.ArgumentList.Add(caBundle);
            }
            start.ArgumentList.Add("--endpoint-url");
            start.ArgumentList.Add(emulator.Endpoint);
            start.ArgumentList.Add("--region");
            start.ArgumentList.Add("us-west-2");
            start.ArgumentList.Add("--output");
            start.ArgumentList.Add("json");
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            start.Environment["AWS_ACCESS_KEY_ID"] = emulator.Server.Options.AccessKey;
            start.Environment["AWS_SECRET_ACCESS_KEY"] = emulator.Server.Options.SecretKey;
            start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
            start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
            start.Environment.Remove("AWS_PROFILE");
            start.Environment.Remove("AWS_SESSION_TOKEN");
            using var process = Process.Start(start) ?? throw new InvalidOperationException("aws did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000)) process.Kill(true);
            return (process.ExitCode, output.Result, error.Result);
        }

        private static JsonNode Ok(EmulatorHarness emulator, params string[] arguments) => Ok(emulator, null, arguments);

        private static JsonNode Ok(EmulatorHarness emulator, string? caBundle, string[] arguments)
        {
            var (code, output, error) = Aws(emulator, caBundle, arguments);
            Assert.True(code == 0, $"aws {string.Join(' ', arguments)} failed ({code}): {error}");
            return output.Trim().Length == 0 ? new JsonObject() : JsonNode.Parse(output)!;
        }

        [Fact]
        public async Task OverTlsTheAwsCliTrustsThePrivateCaAndTheEndpointsNameThePublicHost()
        {
            const string publicHost = "kinesisvideo.us-west-2.amazonaws.com";
            string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kvs-tls-" + Guid.NewGuid().ToString("N"));
            try
            {
                var tls = EmulatorTls.FromPrivateCa(folder, publicHost);
                await using var emulator = await EmulatorHarness.StartAsync(o =>
                {
                    o.TlsCertificate = tls.Certificate;
                    o.PublicHost = publicHost;
                });
                Assert.StartsWith("https://127.0.0.1:", emulator.Endpoint);
                int port = new Uri(emulator.Endpoint).Port;

                var channelArn = (string)Ok(emulator, tls.CaPath, new[] { "kinesisvideo", "create-signaling-channel", "--channel-name", "tls-cam" })["ChannelARN"]!;
                var endpoints = Ok(emulator, tls.CaPath, new[] { "kinesisvideo", "get-signaling-channel-endpoint", "--channel-arn", channelArn,
                    "--single-master-channel-endpoint-configuration", "Protocols=WSS,HTTPS,Role=MASTER" })["ResourceEndpointList"]!.AsArray();
                Assert.Contains(endpoints, e => (string?)e!["Protocol"] == "WSS" && (string?)e["ResourceEndpoint"] == $"wss://{publicHost}:{port}");
                Assert.Contains(endpoints, e => (string?)e!["Protocol"] == "HTTPS" && (string?)e["ResourceEndpoint"] == $"https://{publicHost}:{port}");

                // Signaling is WSS on the same port, with the same certificate.
                using (var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(System.IO.File.ReadAllText(tls.CaPath!)))
                using (var socket = new System.Net.WebSockets.ClientWebSocket())
                {
                    socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(ca);
                        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                        return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate!));
                    };
                    Assert.StartsWith("wss://127.0.0.1:", emulator.Server.WebSocketUrl);
                    await socket.ConnectAsync(KinesisVideoWebRTCStorage.Signaling.SignalingUrl.ForMaster(emulator.Server.WebSocketUrl, channelArn, emulator.Credentials, "us-west-2"), default);
                    Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
                }

                // Untrusted, the same call is refused by the client, not answered in the clear.
                var (code, _, error) = Aws(emulator, null, new[] { "kinesisvideo", "list-signaling-channels" });
                Assert.NotEqual(0, code);
                Assert.Contains("CERTIFICATE_VERIFY_FAILED", error);

                // The CA is made once and reused, so a client told to trust it keeps trusting it.
                string caPem = System.IO.File.ReadAllText(tls.CaPath!);
                Assert.Equal(caPem, System.IO.File.ReadAllText(EmulatorTls.FromPrivateCa(folder, publicHost).CaPath!));

                // A damaged CA is a start error that says how to get a new one, not a crash.
                System.IO.File.WriteAllText(tls.CaPath!, "not a certificate");
                var damaged = Assert.Throws<EmulatorStartException>(() => EmulatorTls.FromPrivateCa(folder, publicHost));
                Assert.Contains("delete ca.pem and ca.key there to make a new one", damaged.Message);
            }
            finally
            {
                try { System.IO.Directory.Delete(folder, recursive: true); } catch (System.IO.IOException) { } // best effort cleanup of a temp folder
            }
        }

        [Theory]
        [InlineData("https", 443, "https://h.example")]
        [InlineData("wss", 443, "wss://h.example")]
        [InlineData("http", 80, "http://h.example")]
        [InlineData("https", 4566, "https://h.example:4566")]
        [InlineData("ws", 4566, "ws://h.example:4566")]
        public void EndpointsCarryAPortOnlyWhenItIsNotTheSchemesDefault(string scheme, int port, string expected) =>
            Assert.Equal(expected, EmulatorServer.FormatEndpoint(scheme, "h.example", port));

        [Fact]
        public async Task TheAwsCliRunsTheWholeSetupAgainstTheEmulator()
        {
            await using var emulator = await EmulatorHarness.StartAsync(o =>
            {
                o.TurnUris.Add("turn:127.0.0.1:3478?transport=udp");
                o.TurnSecret = "cli-secret";
            });

            var streamArn = (string)Ok(emulator, "kinesisvideo", "create-stream", "--stream-name", "cli-stream", "--data-retention-in-hours", "24")["StreamARN"]!;
            var channelArn = (string)Ok(emulator, "kinesisvideo", "create-signaling-channel", "--channel-name", "cli-cam")["ChannelARN"]!;
            Ok(emulator, "kinesisvideo", "update-media-storage-configuration", "--channel-arn", channelArn,
                "--media-storage-configuration", $"StreamARN={streamArn},Status=ENABLED");
            var storage = Ok(emulator, "kinesisvideo", "describe-media-storage-configuration", "--channel-name", "cli-cam")["MediaStorageConfiguration"]!;
            Assert.Equal("ENABLED", (string?)storage["Status"]);
            Assert.Equal(streamArn, (string?)storage["StreamARN"]);
            Assert.Equal("cli-stream", (string?)Ok(emulator, "kinesisvideo", "describe-stream", "--stream-name", "cli-stream")["StreamInfo"]!["StreamName"]);

            var endpoints = Ok(emulator, "kinesisvideo", "get-signaling-channel-endpoint", "--channel-arn", channelArn,
                "--single-master-channel-endpoint-configuration", "Protocols=WSS,HTTPS,WEBRTC,Role=MASTER")["ResourceEndpointList"]!.AsArray();
            Assert.Equal(3, endpoints.Count);
            var ice = Ok(emulator, "kinesis-video-signaling", "get-ice-server-config", "--channel-arn", channelArn)["IceServerList"]!.AsArray();
            Assert.Equal("turn:127.0.0.1:3478?transport=udp", (string?)ice[0]!["Uris"]![0]);
            Ok(emulator, "kinesis-video-webrtc-storage", "join-storage-session", "--channel-arn", channelArn);
            Assert.Single(emulator.Server.ControlPlane.Joins);

            var (code, _, error) = Aws(emulator, "kinesisvideo", "describe-signaling-channel", "--channel-name", "missing");
            Assert.NotEqual(0, code);
            Assert.Contains("ResourceNotFoundException", error);
            Assert.Contains("The requested channel is not found or not active.", error);
        }
    }
}
