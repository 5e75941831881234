using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.Emulator;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Emulator
{
    public class ControlPlaneTests
    {
        [Fact]
        public async Task OurClientsRunTheWholeStorageSetup()
        {
            await using var emulator = await EmulatorHarness.StartAsync();
            var (channelArn, streamArn) = await emulator.CreateStorageChannelAsync("cam1");
            var connection = emulator.Connect();
            var client = connection.ControlPlane();

            Assert.Matches(@"^arn:aws:kinesisvideo:us-west-2:123456789012:channel/cam1/[0-9]+$", channelArn);
            Assert.Matches(@"^arn:aws:kinesisvideo:us-west-2:123456789012:stream/cam1-stream/[0-9]+$", streamArn);
            var storage = await client.DescribeMediaStorageConfigurationAsync(ChannelReference.FromName("cam1"));
            Assert.Equal("ENABLED", storage.Status);
            Assert.Equal(streamArn, storage.StreamARN);

            var endpoints = await SignalingEndpointLookup.GetAsync(client, ChannelReference.FromName("cam1"), ChannelRole.MASTER, SignalingEndpointLookup.AllProtocols, default);
            Assert.Equal(emulator.Server.WebSocketUrl, endpoints.WssEndpoint);
            Assert.Equal(emulator.Endpoint, endpoints.WebRtcEndpoint);

            var join = await StorageSessionJoin.RequestAsync(connection, channelArn, null, null, default);
            Assert.Equal(ChannelRole.MASTER, join.Role);
            Assert.Single(emulator.Server.ControlPlane.Joins);

            var list = await client.ListAllSignalingChannelsAsync(new ChannelNameCondition { ComparisonValue = "cam" });
            Assert.Equal("cam1", Assert.Single(list).ChannelName);
        }

        [Fact]
        public async Task ErrorsAreTypedWithTheEmulatorsMessages()
        {
            await using var emulator = await EmulatorHarness.StartAsync();
            var client = emulator.Connect().ControlPlane();
            var missing = await Assert.ThrowsAsync<ResourceNotFoundException>(() => client.DescribeSignalingChannelAsync(ChannelReference.FromName("nope")));
            Assert.Equal("The requested channel is not found or not active.", missing.Message);

            var arn = await client.CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = "plain" });
            await Assert.ThrowsAsync<ResourceInUseException>(() => client.CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = "plain" }));
            var noStorage = await Assert.ThrowsAsync<MediaStorageNotEnabledException>(() =>
                SignalingEndpointLookup.GetAsync(client, ChannelReference.FromArn(arn), ChannelRole.MASTER, SignalingEndpointLookup.AllProtocols, default));
            Assert.StartsWith($"Channel 'plain' ({arn}) has media storage DISABLED", noStorage.Message);
            var join = await Assert.ThrowsAsync<InvalidArgumentException>(() => emulator.Connect().Storage(emulator.Server.EndpointUrl).JoinStorageSessionAsync(arn));
            Assert.Contains("has no media storage configured", join.Message);
            await Assert.ThrowsAsync<VersionMismatchException>(() => client.DeleteSignalingChannelAsync(arn, "99"));
            await client.DeleteSignalingChannelAsync(arn, "1");
            await Assert.ThrowsAsync<ResourceNotFoundException>(() => client.DescribeSignalingChannelAsync(ChannelReference.FromArn(arn)));
        }

        [Fact]
        public async Task AWrongSecretIsAccessDenied()
        {
            await using var emulator = await EmulatorHarness.StartAsync();
            var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
                emulator.Connect(secretKey: "wrong").ControlPlane().DescribeSignalingChannelAsync(ChannelReference.FromName("cam1")));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
            Assert.Contains("signature does not match", error.Message);
        }

        [Fact]
        public async Task ThrottlingKnobIsRetriedByTheClient()
        {
            await using var emulator = await EmulatorHarness.StartAsync(o => o.ThrottleRequests = 2);
            await emulator.Connect().ControlPlane().CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = "after-throttle" });
            Assert.Equal(0, emulator.Server.Options.ThrottleRequests);

            emulator.Server.Options.ThrottleRequests = 10;
            var error = await Assert.ThrowsAsync<ClientLimitExceededException>(() =>
                emulator.Connect().ControlPlane().DescribeSignalingChannelAsync(ChannelReference.FromName("after-throttle")));
            Assert.Contains("Request rate exceeded", error.Message);
        }

        [Fact]
        public async Task DroppedJoinsAreAcceptedButRecordedAsDropped()
        {
            await using var emulator = await EmulatorHarness.StartAsync(o => o.DropJoins = 2);
            var (channelArn, _) = await emulator.CreateStorageChannelAsync("cam1");
            int offered = 0;
            emulator.Server.ControlPlane.StorageSessionRequested += (_, _) => offered++;
            var storage = emulator.Connect().Storage(emulator.Server.EndpointUrl);
            for (int i = 0; i < 3; i++) await storage.JoinStorageSessionAsync(channelArn);
            Assert.Equal(new bool?[] { true, true, false }, emulator.Server.ControlPlane.Joins.Select(j => (bool?)j["Dropped"]));
            Assert.Equal(1, offered);
        }

        [Fact]
        public async Task StateSurvivesARestartWithADataFolder()
        {
            var folder = Directory.CreateTempSubdirectory("kvs-emulator-").FullName;
            try
            {
                string arn;
                await using (var first = await EmulatorHarness.StartAsync(o => o.DataDirectory = folder))
                    arn = (await first.CreateStorageChannelAsync("kept")).Channel;
                await using var second = await EmulatorHarness.StartAsync(o => o.DataDirectory = folder);
                var info = await second.Connect().ControlPlane().DescribeSignalingChannelAsync(ChannelReference.FromName("kept"));
                Assert.Equal(arn, info.ChannelARN);
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [Fact]
        public async Task APortInUseIsAClearError()
        {
            await using var first = await EmulatorHarness.StartAsync();
            var error = await Assert.ThrowsAsync<EmulatorStartException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Port = first.Server.EndpointUrl.Port }));
            Assert.Contains($"Port {first.Server.EndpointUrl.Port} on 127.0.0.1 is already in use", error.Message);
        }

        [Fact]
        public async Task TurnCredentialsAreCoturnRestCredentials()
        {
            await using var emulator = await EmulatorHarness.StartAsync(o =>
            {
                o.TurnUris.Add("turn:127.0.0.1:3478?transport=udp");
                o.TurnSecret = "shared-secret";
            });
            var (channelArn, _) = await emulator.CreateStorageChannelAsync("cam1");
            var server = Assert.Single(await emulator.Connect().Signaling(emulator.Server.EndpointUrl).GetIceServerConfigAsync(channelArn, "master-1"));
            var parts = server.Username!.Split(':');
            Assert.Equal("master-1", parts[1]);
            Assert.InRange(long.Parse(parts[0]) - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 290, 301);
            using var hmac = new System.Security.Cryptography.HMACSHA1(System.Text.Encoding.UTF8.GetBytes("shared-secret"));
            Assert.Equal(Convert.ToBase64String(hmac.ComputeHash(System.Text.Encoding.UTF8.GetBytes(server.Username))), server.Password);
            Assert.Equal(300, server.Ttl);
        }

        [Fact]
        public async Task WithoutATurnUriTheEmulatorHandsOutItsOwnTurnServerThatAcceptsTheCredentials()
        {
            await using var emulator = await EmulatorHarness.StartAsync();
            var (channelArn, _) = await emulator.CreateStorageChannelAsync("cam1");
            var server = Assert.Single(await emulator.Connect().Signaling(emulator.Server.EndpointUrl).GetIceServerConfigAsync(channelArn, "master-1"));
            var turn = emulator.Server.Turn!;
            Assert.Equal(new[] { $"turn:127.0.0.1:{turn.Port}?transport=udp", $"turn:127.0.0.1:{turn.Port}?transport=tcp" }, server.Uris);
            Assert.Equal(300, server.Ttl);
            Assert.EndsWith(":master-1", server.Username);

            using var harness = await WebRtc.Turn.TurnConnectionHarness.ConnectAsync(
                KinesisVideoWebRTCStorage.WebRtc.Turn.TurnServer.Parse(server.Uris[0], server.Username!, server.Password!));
            await harness.Client.AllocateAsync();
            Assert.Equal(1, turn.AllocationCount);
        }

        [Fact]
        public async Task ATurnPortInUseIsAClearError()
        {
            await using var first = await EmulatorHarness.StartAsync();
            var error = await Assert.ThrowsAsync<EmulatorStartException>(() => EmulatorServer.StartAsync(new EmulatorOptions { TurnPort = first.Server.Turn!.Port }));
            Assert.Contains($"TURN port {first.Server.Turn!.Port} on 127.0.0.1 is already in use", error.Message);
        }
    }
}
