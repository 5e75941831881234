using System;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.Tests.Ingest;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Emulator
{
    /// <summary>
    /// The storage session as the KVS C SDK's master meets it (shared/docs/kvs-wire.md): it reads signaling messages
    /// with a parser that unescapes only <c>\n</c> and <c>\r</c>, and answers with capitalised keys, pretty-printed,
    /// and an empty <c>RecipientClientId</c>.
    /// </summary>
    public class CSdkWireTests
    {
        [Fact]
        public async Task AMasterThatReadsJsonLikeTheCSdkGetsTheRightOfferAndItsPrettyCapitalisedAnswerWithAnEmptyRecipientConnects()
        {
            await using var harness = await IngestHarness.StartAsync(configure: o => o.StorageMediaTimeout = TimeSpan.FromSeconds(2));
            var emulator = harness.Emulator;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(SignalingUrl.ForMaster(emulator.Server.WebSocketUrl, harness.ChannelArn, emulator.Credentials, emulator.Server.Options.Region), timeout.Token);
            await emulator.Connect().Storage(emulator.Server.EndpointUrl).JoinStorageSessionAsync(harness.ChannelArn);

            string text;
            do text = await ReceiveTextAsync(socket, timeout.Token);
            while (!text.Contains("SDP_OFFER"));
            Assert.DoesNotContain("\\u", text);
            // What the C SDK sees: the payload as written between its quotes, then the SDP out of the decoded JSON.
            string payload = Encoding.UTF8.GetString(Convert.FromBase64String(CSdkJson.Value(text, "messagePayload")));
            Assert.DoesNotContain("\\u", payload);
            string sdp = CSdkJson.Value(payload, "sdp");
            Assert.Equal(SignalingCodec.DecodeSessionDescription(CSdkJson.Value(text, "messagePayload")).Sdp, sdp);

            var (pc, answer) = IngestHarness.AnswerStorageOffer(sdp);
            using var _ = pc;
            string answerJson = "{\n\t\"type\": \"answer\",\n\t\"sdp\": \"" + answer.Sdp.Replace("\r", "\\r").Replace("\n", "\\n") + "\"\n}";
            string message = "{\n\t\"action\": \"SDP_ANSWER\",\n\t\"RecipientClientId\": \"\",\n\t\"MessagePayload\": \""
                + Convert.ToBase64String(Encoding.UTF8.GetBytes(answerJson)) + "\",\n\t\"CorrelationId\": \"csdk-answer-1\"\n}";
            await socket.SendAsync(new ArraySegment<byte>(Encoding.UTF8.GetBytes(message)), WebSocketMessageType.Text, true, timeout.Token);
            await pc.WaitConnectedAsync(timeout.Token);

            // Connected: the session took the answer. It then ends for want of media, which names why.
            var session = Assert.Single(await harness.EndedSessionsAsync());
            Assert.StartsWith("no media arrived", session.EndReason);
        }

        [Theory]
        [InlineData("a+b/c=")]
        [InlineData("ice+pwd/with&amp<tags>'quotes'")]
        [InlineData("héllo wörld ✓ 😀")]
        public void EverythingTheProjectWritesReadsTheSameWithoutUnescaping(string value)
        {
            var service = Encoding.UTF8.GetString(SignalingCodec.Encode(new ServiceMessage(SignalingMessageType.SDP_OFFER, value, null, null)));
            var client = Encoding.UTF8.GetString(SignalingCodec.Encode(new ClientMessage(SignalingMessageType.SDP_ANSWER, value, null, "c-1")));
            var candidate = Encoding.UTF8.GetString(Convert.FromBase64String(SignalingCodec.EncodeIceCandidate(new IceCandidatePayload(value, "0", 0))));
            var request = Encoding.UTF8.GetString(KvsJson.Serialize(new KinesisVideoWebRTCStorage.Aws.Models.CreateSignalingChannelRequest { ChannelName = value }));
            foreach (var (json, key) in new[] { (service, "messagePayload"), (client, "messagePayload"), (candidate, "candidate"), (request, "ChannelName") })
            {
                Assert.DoesNotContain("\\u", json);
                Assert.Equal(value, CSdkJson.Value(json, key));
            }
        }

        [Fact]
        public void OnlyWhatJsonRequiresIsEscaped()
        {
            var json = Encoding.UTF8.GetString(SignalingCodec.Encode(new ServiceMessage(SignalingMessageType.SDP_OFFER, "q\" b\\ n\n r\r t\t c\u0001", null, null)));
            Assert.Contains("q\\\" b\\\\ n\\n r\\r t\\t c\\u0001", json);
            Assert.Equal("q\" b\\ n\n r\r t\t c\u0001", SignalingCodec.DecodeServiceMessage(Encoding.UTF8.GetBytes(json)).MessagePayload);
        }

        [Fact]
        public void AnEmptyRecipientMeansTheStorageSession()
        {
            var message = SignalingCodec.DecodeClientMessage(Encoding.UTF8.GetBytes("{\n  \"action\": \"SDP_ANSWER\",\n  \"RecipientClientId\": \"\",\n  \"MessagePayload\": \"e30=\"\n}"));
            Assert.Null(message.RecipientClientId);
        }

        [Fact]
        public void TheCSdksWeekLongPresignedUrlsAndAViewersClientIdVerify()
        {
            var signedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            var verifier = new SigV4Verifier(id => id == "AKIDCSDK" ? "secret/key+with/slashes" : null, () => signedAt.AddDays(6));
            var credentials = new Amazon.Runtime.ImmutableCredentials("AKIDCSDK", "secret/key+with/slashes", "token/with+plus=");
            foreach (var extra in new[]
            {
                new[] { new System.Collections.Generic.KeyValuePair<string, string>("X-Amz-ChannelARN", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/cam1/1") },
                new[]
                {
                    new System.Collections.Generic.KeyValuePair<string, string>("X-Amz-ChannelARN", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/cam1/1"),
                    new System.Collections.Generic.KeyValuePair<string, string>("X-Amz-ClientId", "doorbell.viewer-1"),
                },
            })
            {
                var url = new Uri(PresignedUrl.Create(new Uri("wss://v-1234.kinesisvideo.us-west-2.amazonaws.com"), credentials, "us-west-2", extra, TimeSpan.FromSeconds(604800), signedAt));
                var request = new ReceivedRequest("GET", url.AbsolutePath, url.Query, new[] { new System.Collections.Generic.KeyValuePair<string, string>("Host", url.Authority) }, Array.Empty<byte>());
                var verified = verifier.Verify(request);
                Assert.True(verified.IsValid, verified.Reason);
                Assert.Contains("expired", new SigV4Verifier(id => "secret/key+with/slashes", () => signedAt.AddDays(7).AddSeconds(1)).Verify(request).Reason);
            }
        }

        [Fact]
        public async Task TheCSdksRestCallSigningHostUserAgentAndDateWithAnUnsignedTokenAndAPrettyBodyIsAnswered()
        {
            await using var emulator = await EmulatorHarness.StartAsync();
            var (channel, _) = await emulator.CreateStorageChannelAsync("csdk-cam");
            string body = "{\n\t\"ChannelARN\":\t\"" + channel + "\"\n}";
            var now = DateTime.UtcNow;
            string date = now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            string host = emulator.Server.EndpointUrl.Authority;
            const string userAgent = "AWS-SDK-KVS/1.10.0 GCC/12.2.0 Linux/6.1.0 x86_64";
            string canonical = string.Join("\n", "POST", "/describeMediaStorageConfiguration", "",
                "host:" + host, "user-agent:" + userAgent, "x-amz-date:" + date, "", "host;user-agent;x-amz-date", Hex(Sha256(Encoding.UTF8.GetBytes(body))));
            string scope = $"{date.Substring(0, 8)}/us-west-2/kinesisvideo/aws4_request";
            string toSign = string.Join("\n", "AWS4-HMAC-SHA256", date, scope, Hex(Sha256(Encoding.UTF8.GetBytes(canonical))));
            byte[] key = Encoding.UTF8.GetBytes("AWS4" + emulator.Server.Options.SecretKey);
            foreach (var part in new[] { date.Substring(0, 8), "us-west-2", "kinesisvideo", "aws4_request" }) key = Hmac(key, part);
            string signature = Hex(Hmac(key, toSign));

            using var http = new System.Net.Http.HttpClient();
            using var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Post, new Uri(emulator.Server.EndpointUrl, "/describeMediaStorageConfiguration"))
            {
                Content = new System.Net.Http.StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
            request.Headers.TryAddWithoutValidation("X-Amz-Date", date);
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", "unsigned-by-the-c-sdk");
            request.Headers.TryAddWithoutValidation("Authorization",
                $"AWS4-HMAC-SHA256 Credential={emulator.Server.Options.AccessKey}/{scope}, SignedHeaders=host;user-agent;x-amz-date, Signature={signature}");
            using var response = await http.SendAsync(request);
            string answer = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, answer);
            Assert.Contains("\"Status\":\"ENABLED\"", answer);
        }

        private static byte[] Sha256(byte[] data) => System.Security.Cryptography.SHA256.HashData(data);
        private static byte[] Hmac(byte[] key, string data) => System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
        private static string Hex(byte[] data) => Convert.ToHexString(data).ToLowerInvariant();

        private static async Task<string> ReceiveTextAsync(ClientWebSocket socket, CancellationToken cancellationToken)
        {
            var buffer = new byte[64 * 1024];
            int length = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), cancellationToken);
                length += result.Count;
            }
            while (!result.EndOfMessage);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }

        /// <summary>
        /// Reads a string member the way the C SDK's signaling code does: the characters between the quotes as they
        /// are, with only <c>\n</c> and <c>\r</c> turned back into line breaks (and <c>\"</c> ending nothing).
        /// </summary>
        private static class CSdkJson
        {
            public static string Value(string json, string key)
            {
                int at = json.IndexOf("\"" + key + "\"", StringComparison.Ordinal);
                Assert.True(at >= 0, $"no {key} in {json}");
                int open = json.IndexOf('"', json.IndexOf(':', at) + 1);
                var value = new StringBuilder();
                for (int i = open + 1; json[i] != '"'; i++)
                {
                    if (json[i] == '\\' && (json[i + 1] == 'n' || json[i + 1] == 'r'))
                    {
                        value.Append(json[i + 1] == 'n' ? '\n' : '\r');
                        i++;
                    }
                    else if (json[i] == '\\' && json[i + 1] == '"')
                    {
                        value.Append("\\\"");
                        i++;
                    }
                    else
                    {
                        value.Append(json[i]);
                    }
                }
                return value.ToString();
            }
        }
    }
}
