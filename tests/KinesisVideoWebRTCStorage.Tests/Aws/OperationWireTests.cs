using System;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.TestResponder;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Aws
{
    /// <summary>Each operation's method, path and JSON members on the wire, signed so that a recomputation with the secret verifies.</summary>
    public class OperationWireTests : IDisposable
    {
        private readonly KvsResponder responder = new KvsResponder();

        public void Dispose() => responder.Dispose();

        private RecordedRequest Only(string path)
        {
            var matching = responder.Requests.Where(r => r.Path == path).ToList();
            Assert.Single(matching);
            var request = matching[0];
            Assert.Equal("POST", request.Raw.Method);
            Assert.Equal("application/json", request.Raw.Header("Content-Type"));
            Assert.True(request.Signature.IsValid, request.Signature.Reason);
            Assert.Equal(KvsResponder.Region, request.Signature.Region);
            Assert.Equal("kinesisvideo", request.Signature.Service);
            return request;
        }

        [Fact]
        public async Task CreateSignalingChannelSendsTheModelsMembers()
        {
            var client = Connections.To(responder).ControlPlane();
            var arn = await client.CreateSignalingChannelAsync(new CreateSignalingChannelRequest
            {
                ChannelName = "front-door",
                SingleMasterConfiguration = new SingleMasterConfiguration { MessageTtlSeconds = 60 },
                Tags = new() { new Tag { Key = "site", Value = "hq" } },
            });

            Assert.True(ChannelArn.TryParse(arn, out _));
            var json = Only("/createSignalingChannel").Json!;
            Assert.Equal("front-door", (string?)json["ChannelName"]);
            Assert.Equal("SINGLE_MASTER", (string?)json["ChannelType"]);
            Assert.Equal(60, (int?)json["SingleMasterConfiguration"]!["MessageTtlSeconds"]);
            Assert.Equal("site", (string?)json["Tags"]![0]!["Key"]);
            Assert.Equal("hq", (string?)json["Tags"]![0]!["Value"]);
        }

        [Fact]
        public async Task DescribeSignalingChannelByNameAndByArn()
        {
            var arn = responder.AddChannel("cam1", storageEnabled: true);
            var client = Connections.To(responder).ControlPlane();

            var byName = await client.DescribeSignalingChannelAsync(ChannelReference.FromName("cam1"));
            Assert.Equal(arn, byName.ChannelARN);
            Assert.Equal("SINGLE_MASTER", byName.ChannelType);
            Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 123, DateTimeKind.Utc), byName.CreationTime);
            var first = Only("/describeSignalingChannel").Json!;
            Assert.Equal("cam1", (string?)first["ChannelName"]);
            Assert.False(first.ContainsKey("ChannelARN"));

            var byArn = await client.DescribeSignalingChannelAsync(ChannelReference.FromArn(arn));
            Assert.Equal("cam1", byArn.ChannelName);
            var second = responder.Requests.Where(r => r.Path == "/describeSignalingChannel").Last().Json!;
            Assert.Equal(arn, (string?)second["ChannelARN"]);
            Assert.False(second.ContainsKey("ChannelName"));
        }

        [Fact]
        public async Task ListSignalingChannelsFollowsEveryPage()
        {
            for (int i = 0; i < 7; i++) responder.AddChannel($"cam{i}", storageEnabled: false);
            var client = Connections.To(responder).ControlPlane();

            var all = await client.ListAllSignalingChannelsAsync(new ChannelNameCondition { ComparisonValue = "cam" }, pageSize: 3);

            Assert.Equal(Enumerable.Range(0, 7).Select(i => $"cam{i}"), all.Select(c => c.ChannelName));
            var pages = responder.Requests.Where(r => r.Path == "/listSignalingChannels").Select(r => r.Json!).ToList();
            Assert.Equal(3, pages.Count);
            Assert.All(pages, p => Assert.Equal(3, (int?)p["MaxResults"]));
            Assert.All(pages, p => Assert.Equal("BEGINS_WITH", (string?)p["ChannelNameCondition"]!["ComparisonOperator"]));
            Assert.All(pages, p => Assert.Equal("cam", (string?)p["ChannelNameCondition"]!["ComparisonValue"]));
            Assert.False(pages[0].ContainsKey("NextToken"));
            Assert.Equal("3", (string?)pages[1]["NextToken"]);
            Assert.Equal("6", (string?)pages[2]["NextToken"]);
        }

        [Fact]
        public async Task ListStopsWhenTheServiceRepeatsAToken()
        {
            responder.Script = r => r.Path == "/listSignalingChannels" ? new ScriptedResponse(200, "{\"ChannelInfoList\":[],\"NextToken\":\"same\"}") : null;
            var client = Connections.To(responder).ControlPlane();

            var error = await Assert.ThrowsAsync<KinesisVideoResponseException>(() => client.ListAllSignalingChannelsAsync());
            Assert.Contains("same NextToken twice", error.Message);
            Assert.Equal(2, responder.Requests.Count);
        }

        [Fact]
        public async Task DeleteSignalingChannelSendsArnAndVersion()
        {
            var arn = responder.AddChannel("old", storageEnabled: false);
            await Connections.To(responder).ControlPlane().DeleteSignalingChannelAsync(arn, "v1");
            var json = Only("/deleteSignalingChannel").Json!;
            Assert.Equal(arn, (string?)json["ChannelARN"]);
            Assert.Equal("v1", (string?)json["CurrentVersion"]);
        }

        [Fact]
        public async Task GetSignalingChannelEndpointSendsRoleAndProtocols()
        {
            var arn = responder.AddChannel("cam1", storageEnabled: true);
            var endpoints = await Connections.To(responder).ControlPlane()
                .GetSignalingChannelEndpointAsync(arn, ChannelRole.VIEWER, new[] { ChannelProtocol.WSS, ChannelProtocol.HTTPS, ChannelProtocol.WEBRTC });

            var json = Only("/getSignalingChannelEndpoint").Json!;
            Assert.Equal(arn, (string?)json["ChannelARN"]);
            var configuration = json["SingleMasterChannelEndpointConfiguration"]!;
            Assert.Equal("VIEWER", (string?)configuration["Role"]);
            Assert.Equal(new[] { "WSS", "HTTPS", "WEBRTC" }, configuration["Protocols"]!.AsArray().Select(p => (string?)p));
            Assert.Equal($"ws://127.0.0.1:{responder.Port}", endpoints.WssEndpoint);
            Assert.Equal(responder.Endpoint.ToString().TrimEnd('/'), endpoints.HttpsEndpoint);
            Assert.Equal(responder.Endpoint.ToString().TrimEnd('/'), endpoints.WebRtcEndpoint);
            Assert.Equal(3, endpoints.ResourceEndpointList.Count);
            Assert.Equal(ChannelRole.VIEWER, endpoints.Role);
            Assert.Equal(KvsResponder.Region, endpoints.Region);
        }

        [Fact]
        public async Task MediaStorageConfigurationIsDescribedAndUpdated()
        {
            var arn = responder.AddChannel("cam1", storageEnabled: false);
            var client = Connections.To(responder).ControlPlane();
            var streamArn = $"arn:aws:kinesisvideo:us-west-2:{KvsResponder.AccountId}:stream/s1/1";

            await client.UpdateMediaStorageConfigurationAsync(arn, new MediaStorageConfiguration { Status = "ENABLED", StreamARN = streamArn });
            var described = await client.DescribeMediaStorageConfigurationAsync(ChannelReference.FromName("cam1"));

            var update = Only("/updateMediaStorageConfiguration").Json!;
            Assert.Equal(arn, (string?)update["ChannelARN"]);
            Assert.Equal("ENABLED", (string?)update["MediaStorageConfiguration"]!["Status"]);
            Assert.Equal(streamArn, (string?)update["MediaStorageConfiguration"]!["StreamARN"]);
            Assert.Equal("cam1", (string?)Only("/describeMediaStorageConfiguration").Json!["ChannelName"]);
            Assert.True(described.IsEnabled);
            Assert.Equal(streamArn, described.StreamARN);
        }

        [Fact]
        public async Task GetIceServerConfigGoesToTheHttpsEndpoint()
        {
            var arn = responder.AddChannel("cam1", storageEnabled: true);
            var connection = Connections.To(responder);
            var servers = await connection.Signaling(responder.Endpoint).GetIceServerConfigAsync(arn, clientId: "viewer-1", username: "user");

            var json = Only("/v1/get-ice-server-config").Json!;
            Assert.Equal(arn, (string?)json["ChannelARN"]);
            Assert.Equal("viewer-1", (string?)json["ClientId"]);
            Assert.Equal("TURN", (string?)json["Service"]);
            Assert.Equal("user", (string?)json["Username"]);
            var server = Assert.Single(servers);
            Assert.Equal("turn:127.0.0.1:3478?transport=udp", Assert.Single(server.Uris));
            Assert.Equal(300, server.Ttl);
            Assert.DoesNotContain("turn-password", server.ToString());
        }

        [Fact]
        public async Task JoinStorageSessionUsesCamelCaseMembers()
        {
            var arn = responder.AddChannel("cam1", storageEnabled: true);
            var storage = Connections.To(responder).Storage(responder.Endpoint);

            await storage.JoinStorageSessionAsync(arn);
            await storage.JoinStorageSessionAsViewerAsync(arn, "viewer-7");

            var join = Only("/joinStorageSession").Json!;
            Assert.Equal(arn, (string?)join["channelArn"]);
            Assert.Single(join);
            var viewer = Only("/joinStorageSessionAsViewer").Json!;
            Assert.Equal(arn, (string?)viewer["channelArn"]);
            Assert.Equal("viewer-7", (string?)viewer["clientId"]);
        }

        [Fact]
        public async Task SessionTokenIsSentAndSigned()
        {
            var arn = responder.AddChannel("cam1", storageEnabled: true);
            await Connections.To(responder, sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN").ControlPlane().DescribeSignalingChannelAsync(ChannelReference.FromArn(arn));

            var request = Only("/describeSignalingChannel");
            Assert.Equal("FwoGZXIvYXdzEXAMPLETOKEN", request.Raw.Header("X-Amz-Security-Token"));
            var authorization = request.Raw.Header("Authorization")!;
            Assert.Contains("x-amz-security-token", authorization.Split("SignedHeaders=")[1].Split(',')[0].Split(';'));
        }

        [Fact]
        public async Task NoSecurityTokenHeaderWithoutASessionToken()
        {
            var arn = responder.AddChannel("cam1", storageEnabled: true);
            await Connections.To(responder).ControlPlane().DescribeSignalingChannelAsync(ChannelReference.FromArn(arn));
            Assert.Null(Only("/describeSignalingChannel").Raw.Header("X-Amz-Security-Token"));
        }

        [Fact]
        public async Task AWrongSecretIsRejectedWithAccessDenied()
        {
            var arn = responder.AddChannel("cam1", storageEnabled: true);
            var client = Connections.To(responder, secretKey: "not-the-secret").ControlPlane();

            var error = await Assert.ThrowsAsync<AccessDeniedException>(() => client.DescribeSignalingChannelAsync(ChannelReference.FromArn(arn)));
            Assert.Contains("signature does not match", error.Message);
            Assert.DoesNotContain("not-the-secret", error.Message);
            Assert.Single(responder.Requests);
        }

        [Theory]
        [InlineData("arn:aws:kinesisvideo:us-west-2:123456789012:stream/cam1")]
        [InlineData("cam1")]
        [InlineData("arn:aws:s3:us-west-2:123456789012:channel/cam1/1")]
        [InlineData("arn:aws:kinesisvideo:us-west-2:123456789012:channel/cam 1/1")]
        [InlineData("")]
        public async Task AnInvalidArnFailsBeforeAnyRequest(string arn)
        {
            var connection = Connections.To(responder);
            var error = await Assert.ThrowsAsync<InvalidChannelArnException>(() =>
                connection.ControlPlane().GetSignalingChannelEndpointAsync(arn, ChannelRole.MASTER, new[] { ChannelProtocol.WSS }));
            Assert.Contains($"'{arn}'", error.Message);
            Assert.Contains(ChannelArn.ExpectedForm, error.Message);
            await Assert.ThrowsAsync<InvalidChannelArnException>(() => connection.Storage(responder.Endpoint).JoinStorageSessionAsync(arn));
            await Assert.ThrowsAsync<InvalidChannelArnException>(() => connection.Signaling(responder.Endpoint).GetIceServerConfigAsync(arn));
            Assert.Empty(responder.Requests);
        }
    }
}
