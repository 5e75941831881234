using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Signaling;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Emulator
{
    public class SignalingHubTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
        private readonly ITestOutputHelper output;

        public SignalingHubTests(ITestOutputHelper output)
        {
            this.output = output;
        }

        private static async Task<ServiceMessage> Next(SignalingConnection connection)
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await connection.ReceiveAsync(timeout.Token) ?? throw new Xunit.Sdk.XunitException("the connection closed");
        }

        [Fact]
        public async Task OffersAnswersAndCandidatesAreRelayedBetweenMasterAndViewer()
        {
            await using var emulator = await EmulatorHarness.StartAsync();
            var (channel, _) = await emulator.CreateStorageChannelAsync("cam1");
            using var master = await emulator.MasterAsync(channel);
            using var viewer = await emulator.ViewerAsync(channel, "viewer-1");

            var offer = SignalingCodec.EncodeSessionDescription(new SessionDescriptionPayload("offer", "v=0\r\n"));
            await viewer.SendAsync(new ClientMessage(SignalingMessageType.SDP_OFFER, offer, "ignored-by-service"), default);
            var atMaster = await Next(master);
            Assert.Equal(SignalingMessageType.SDP_OFFER, atMaster.MessageType);
            Assert.Equal("viewer-1", atMaster.SenderClientId);
            Assert.Equal("v=0\r\n", SignalingCodec.DecodeSessionDescription(atMaster.MessagePayload!).Sdp);

            var candidate = SignalingCodec.EncodeIceCandidate(new IceCandidatePayload("candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0));
            await master.SendAsync(new ClientMessage(SignalingMessageType.ICE_CANDIDATE, candidate, "viewer-1", "c-1"), default);
            var atViewer = await Next(viewer);
            Assert.Equal(SignalingMessageType.ICE_CANDIDATE, atViewer.MessageType);
            Assert.Null(atViewer.SenderClientId);
            Assert.Equal("0", SignalingCodec.DecodeIceCandidate(atViewer.MessagePayload!).SdpMid);
        }

        [Fact]
        public async Task RefusedMessagesWithACorrelationIdGetStatusResponses()
        {
            await using var emulator = await EmulatorHarness.StartAsync();
            var (channel, _) = await emulator.CreateStorageChannelAsync("cam1");
            using var master = await emulator.MasterAsync(channel);

            await master.SendAsync(new ClientMessage(SignalingMessageType.SDP_ANSWER, "e30=", "nobody", "answer-7"), default);
            var status = await Next(master);
            Assert.Equal(SignalingMessageType.STATUS_RESPONSE, status.MessageType);
            Assert.Equal("answer-7", status.StatusResponse!.CorrelationId);
            Assert.Equal("400", status.StatusResponse.StatusCode);
            Assert.Contains("nobody is not connected", status.StatusResponse.Description);

            // Over 10 KB, sent raw because our own client refuses to.
            using var raw = new ClientWebSocket();
            await raw.ConnectAsync(SignalingUrl.ForMaster(emulator.Server.WebSocketUrl, channel, emulator.Credentials, "us-west-2"), default);
            var big = "{\"action\":\"SDP_ANSWER\",\"correlationId\":\"too-big\",\"messagePayload\":\"" + new string('A', 11 * 1024) + "\"}";
            await raw.SendAsync(Encoding.UTF8.GetBytes(big), WebSocketMessageType.Text, true, default);
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(Patience);
            var received = await raw.ReceiveAsync(buffer, timeout.Token);
            var reply = SignalingCodec.DecodeServiceMessage(new ReadOnlyMemory<byte>(buffer, 0, received.Count));
            Assert.Equal(SignalingMessageType.STATUS_RESPONSE, reply.MessageType);
            Assert.Equal("too-big", reply.StatusResponse!.CorrelationId);
            Assert.Contains("10240-byte limit", reply.StatusResponse.Description);
        }

        [Fact]
        public async Task ANewerMasterPreemptsTheOlderOne()
        {
            await using var emulator = await EmulatorHarness.StartAsync();
            var (channel, _) = await emulator.CreateStorageChannelAsync("cam1");
            using var first = await emulator.MasterAsync(channel);
            using var second = await emulator.MasterAsync(channel);

            using var timeout = new CancellationTokenSource(Patience);
            Assert.Null(await first.ReceiveAsync(timeout.Token));
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, first.CloseStatus);
            Assert.Same(emulator.Server.Hub.Master(channel)!, emulator.Server.Hub.Peers.Single(p => p.IsMaster));
            Assert.True(second.IsOpen);
        }

        [Fact]
        public async Task UpgradesWithBadSignaturesOrExpiredUrlsAreRefusedWith403()
        {
            await using var emulator = await EmulatorHarness.StartAsync();
            var (channel, _) = await emulator.CreateStorageChannelAsync("cam1");

            var wrongSecret = SignalingUrl.ForMaster(emulator.Server.WebSocketUrl, channel, new Amazon.Runtime.ImmutableCredentials("AKIDLOCALKVSEMULATOR", "wrong", null), "us-west-2");
            var refused = await Assert.ThrowsAsync<SignalingConnectException>(() => SignalingConnection.ConnectAsync(wrongSecret, Patience, default));
            Assert.Contains("403", refused.Message);

            var expired = SignalingUrl.ForMaster(emulator.Server.WebSocketUrl, channel, emulator.Credentials, "us-west-2", DateTime.UtcNow.AddMinutes(-10));
            var expiredError = await Assert.ThrowsAsync<SignalingConnectException>(() => SignalingConnection.ConnectAsync(expired, Patience, default));
            Assert.Contains("403", expiredError.Message);

            var unknownChannel = SignalingUrl.ForMaster(emulator.Server.WebSocketUrl, channel.Replace("cam1", "cam9"), emulator.Credentials, "us-west-2");
            await Assert.ThrowsAsync<SignalingConnectException>(() => SignalingConnection.ConnectAsync(unknownChannel, Patience, default));
            Assert.Empty(emulator.Server.Hub.Peers);
        }

        [Fact]
        public async Task GoAwayAndReconnectIceServerAreInjected()
        {
            await using var emulator = await EmulatorHarness.StartAsync(o => o.GoAwayGrace = TimeSpan.FromMilliseconds(300));
            var (channel, _) = await emulator.CreateStorageChannelAsync("cam1");
            using var master = await emulator.MasterAsync(channel);
            await WaitForAsync(() => emulator.Server.Hub.Master(channel) != null);

            Assert.Equal(1, await emulator.Server.Hub.InjectAsync(channel, SignalingMessageType.RECONNECT_ICE_SERVER));
            Assert.Equal(SignalingMessageType.RECONNECT_ICE_SERVER, (await Next(master)).MessageType);
            Assert.Equal(1, await emulator.Server.Hub.InjectAsync(channel, SignalingMessageType.GO_AWAY));
            Assert.Equal(SignalingMessageType.GO_AWAY, (await Next(master)).MessageType);
            using var timeout = new CancellationTokenSource(Patience);
            Assert.Null(await master.ReceiveAsync(timeout.Token));
        }

        [Fact]
        public async Task IdleConnectionsAndOldOnesAreClosed()
        {
            await using var emulator = await EmulatorHarness.StartAsync(o => o.IdleTimeout = TimeSpan.FromMilliseconds(400));
            var (channel, _) = await emulator.CreateStorageChannelAsync("cam1");
            using var master = await emulator.MasterAsync(channel);
            var watch = Stopwatch.StartNew();
            using var timeout = new CancellationTokenSource(Patience);
            Assert.Null(await master.ReceiveAsync(timeout.Token));
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(300), $"closed after {watch.Elapsed}, before the idle timeout");
        }

        [Fact]
        public async Task FiftyChannelsRelayEveryMessageConcurrently()
        {
            const int channels = 50, messagesEach = 40;
            await using var emulator = await EmulatorHarness.StartAsync();
            var arns = new List<string>();
            for (int i = 0; i < channels; i++) arns.Add((await emulator.CreateStorageChannelAsync($"load{i}")).Channel);

            var watch = Stopwatch.StartNew();
            var delivered = await Task.WhenAll(arns.Select(async arn =>
            {
                using var master = await emulator.MasterAsync(arn);
                using var viewer = await emulator.ViewerAsync(arn, "v");
                await WaitForAsync(() => emulator.Server.Hub.Master(arn) != null);
                var receiving = Task.Run(async () =>
                {
                    var seen = new HashSet<string>();
                    while (seen.Count < messagesEach)
                    {
                        var message = await Next(master);
                        seen.Add(SignalingCodec.DecodeIceCandidate(message.MessagePayload!).Candidate);
                    }
                    return seen.Count;
                });
                for (int m = 0; m < messagesEach; m++)
                    await viewer.SendAsync(new ClientMessage(SignalingMessageType.ICE_CANDIDATE,
                        SignalingCodec.EncodeIceCandidate(new IceCandidatePayload($"candidate:{m} 1 udp {m} 127.0.0.1 {1000 + m} typ host", "0", 0))), default);
                return await receiving;
            }));
            watch.Stop();

            Assert.All(delivered, count => Assert.Equal(messagesEach, count));
            Assert.Equal(channels * messagesEach, emulator.Server.Hub.RelayedMessages);
            output.WriteLine($"{channels} channels x {messagesEach} messages relayed in {watch.ElapsedMilliseconds} ms " +
                             $"({channels * messagesEach / watch.Elapsed.TotalSeconds:0} messages/s)");
        }

        private static async Task WaitForAsync(Func<bool> condition)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed > Patience) throw new TimeoutException("condition not met");
                await Task.Delay(10);
            }
        }
    }
}
