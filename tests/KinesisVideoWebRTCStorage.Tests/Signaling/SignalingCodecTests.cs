using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.Tests.Fuzz;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Signaling
{
    public class SignalingCodecTests
    {
        private const string Sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

        [Fact]
        public void AnAnswerIsWrittenAsTheServiceExpects()
        {
            var payload = SignalingCodec.EncodeSessionDescription(new SessionDescriptionPayload("answer", Sdp));
            var bytes = SignalingCodec.Encode(new ClientMessage(SignalingMessageType.SDP_ANSWER, payload, correlationId: "answer-1"));

            var json = JsonNode.Parse(bytes)!.AsObject();
            Assert.Equal("SDP_ANSWER", (string?)json["action"]);
            Assert.Equal("answer-1", (string?)json["correlationId"]);
            Assert.False(json.ContainsKey("recipientClientId"));
            var inner = JsonNode.Parse(Convert.FromBase64String((string)json["messagePayload"]!))!;
            Assert.Equal("answer", (string?)inner["type"]);
            Assert.Equal(Sdp, (string?)inner["sdp"]);
        }

        [Fact]
        public void ClientMessagesReadInBothKeySpellings()
        {
            var camel = SignalingCodec.DecodeClientMessage(Encoding.UTF8.GetBytes(
                "{\"action\":\"ICE_CANDIDATE\",\"recipientClientId\":\"viewer-1\",\"messagePayload\":\"e30=\",\"correlationId\":\"c.1\"}"));
            var capital = SignalingCodec.DecodeClientMessage(Encoding.UTF8.GetBytes(
                "{\"action\":\"ICE_CANDIDATE\",\"RecipientClientId\":\"viewer-1\",\"MessagePayload\":\"e30=\",\"CorrelationId\":\"c.1\"}"));
            foreach (var message in new[] { camel, capital })
            {
                Assert.Equal(SignalingMessageType.ICE_CANDIDATE, message.Action);
                Assert.Equal("viewer-1", message.RecipientClientId);
                Assert.Equal("e30=", message.MessagePayload);
                Assert.Equal("c.1", message.CorrelationId);
            }
        }

        [Fact]
        public void ServiceMessagesRoundTripIncludingStatusResponses()
        {
            var offer = new ServiceMessage(SignalingMessageType.SDP_OFFER, SignalingCodec.EncodeSessionDescription(new SessionDescriptionPayload("offer", Sdp)));
            var decoded = SignalingCodec.DecodeServiceMessage(SignalingCodec.Encode(offer));
            Assert.Equal(SignalingMessageType.SDP_OFFER, decoded.MessageType);
            Assert.Null(decoded.SenderClientId);
            Assert.Equal(Sdp, SignalingCodec.DecodeSessionDescription(decoded.MessagePayload!).Sdp);

            var status = SignalingCodec.DecodeServiceMessage(Encoding.UTF8.GetBytes(
                "{\"messageType\":\"STATUS_RESPONSE\",\"statusResponse\":{\"correlationId\":\"a1\",\"errorType\":\"InvalidArgumentException\",\"statusCode\":\"400\",\"description\":\"bad sdp\"}}"));
            Assert.Equal("a1", status.StatusResponse!.CorrelationId);
            Assert.Equal("InvalidArgumentException", status.StatusResponse.ErrorType);
            Assert.Equal("400", status.StatusResponse.StatusCode);
            Assert.Equal("bad sdp", status.StatusResponse.Description);

            var goAway = SignalingCodec.DecodeServiceMessage(Encoding.UTF8.GetBytes("{\"messageType\":\"GO_AWAY\"}"));
            Assert.Equal(SignalingMessageType.GO_AWAY, goAway.MessageType);
        }

        [Fact]
        public void CandidatesRoundTripAndEndOfCandidatesIsEmpty()
        {
            var candidate = new IceCandidatePayload("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "0", 0);
            var decoded = SignalingCodec.DecodeIceCandidate(SignalingCodec.EncodeIceCandidate(candidate));
            Assert.Equal(candidate.Candidate, decoded.Candidate);
            Assert.Equal("0", decoded.SdpMid);
            Assert.Equal(0, decoded.SdpMLineIndex);
        }

        [Theory]
        [InlineData("[]", "must be a JSON object")]
        [InlineData("{\"action\":\"GO_AWAY\",\"messagePayload\":\"x\"}", "is not an action a client may send")]
        [InlineData("{\"action\":\"SDP_ANSWER\"}", "messagePayload is missing")]
        [InlineData("{\"action\":\"SDP_ANSWER\",\"messagePayload\":\"x\",\"correlationId\":\"has space\"}", "correlationId must be")]
        [InlineData("{\"action\":\"SDP_ANSWER\",\"messagePayload\":5}", "messagePayload must be a string")]
        [InlineData("{\"action\":\"7\",\"messagePayload\":\"x\"}", "is not a known action")]
        [InlineData("{\"action\":\"SDP_ANSWER\",\"messagePayload\":\"x\"", "is not valid JSON")]
        public void BadClientMessagesGetTypedErrors(string text, string expected)
        {
            var error = Assert.Throws<SignalingFormatException>(() => SignalingCodec.DecodeClientMessage(Encoding.UTF8.GetBytes(text)));
            Assert.Contains(expected, error.Message);
        }

        [Fact]
        public void MessagesOverTheLimitAreRefusedBothWays()
        {
            var big = new string('a', SignalingCodec.MaxMessageBytes);
            var encodeError = Assert.Throws<ArgumentException>(() => SignalingCodec.Encode(new ClientMessage(SignalingMessageType.SDP_ANSWER, big)));
            Assert.Contains("at most 10240", encodeError.Message);
            var text = "{\"action\":\"SDP_ANSWER\",\"messagePayload\":\"" + big + "\",\"correlationId\":\"big-1\"}";
            var decodeError = Assert.Throws<SignalingFormatException>(() => SignalingCodec.DecodeClientMessage(Encoding.UTF8.GetBytes(text)));
            Assert.Contains("the limit is 10240", decodeError.Message);
        }

        [Fact]
        public void TheCorrelationIdOfARefusedMessageCanStillBeRead()
        {
            Assert.Equal("c-9", SignalingCodec.TryReadCorrelationId(Encoding.UTF8.GetBytes("{\"action\":\"NOPE\",\"correlationId\":\"c-9\"}")));
            Assert.Null(SignalingCodec.TryReadCorrelationId(Encoding.UTF8.GetBytes("not json")));
            var cutOff = Encoding.UTF8.GetBytes("{\"action\":\"SDP_ANSWER\",\"correlationId\":\"cut-1\",\"messagePayload\":\"AAAA");
            Assert.Equal("cut-1", SignalingCodec.TryReadCorrelationId(cutOff));
            Assert.Null(SignalingCodec.TryReadCorrelationId(Encoding.UTF8.GetBytes("{\"nested\":{\"correlationId\":\"inner\"}}")));
        }

        [Fact]
        public void HostileInputOnlyEverGivesTheTypedError()
        {
            var seeds = new List<byte[]>
            {
                SignalingCodec.Encode(new ServiceMessage(SignalingMessageType.SDP_OFFER, SignalingCodec.EncodeSessionDescription(new SessionDescriptionPayload("offer", Sdp)))),
                SignalingCodec.Encode(new ServiceMessage(SignalingMessageType.STATUS_RESPONSE, statusResponse: new StatusResponse("c", "E", "400", "d"))),
                SignalingCodec.Encode(new ClientMessage(SignalingMessageType.ICE_CANDIDATE,
                    SignalingCodec.EncodeIceCandidate(new IceCandidatePayload("candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0)), "viewer-1", "c1")),
                Encoding.UTF8.GetBytes("{\"MessageType\":\"ICE_CANDIDATE\",\"MessagePayload\":\"e30=\",\"SenderClientId\":\"v\"}"),
            };
            int rejected = HostileInput.Run(seeds, 100_000, 20261120, input =>
            {
                var asService = TryDecode(() => SignalingCodec.DecodeServiceMessage(input));
                TryDecode(() => SignalingCodec.DecodeClientMessage(input));
                SignalingCodec.TryReadCorrelationId(input);
                if (asService?.MessagePayload is string payload)
                {
                    TryDecode(() => SignalingCodec.DecodeSessionDescription(payload));
                    TryDecode(() => SignalingCodec.DecodeIceCandidate(payload));
                }
                if (asService == null) throw new SignalingFormatException("rejected");
            }, e => e is SignalingFormatException, length => 64 * 1024 + 40L * length);
            Assert.InRange(rejected, 1, 99_999);
        }

        private static T? TryDecode<T>(Func<T> decode) where T : class
        {
            try { return decode(); }
            catch (SignalingFormatException) { return null; }
        }
    }
}
