using System;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.Tests.Ingest;
using KinesisVideoWebRTCStorage.WebRtc;
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
