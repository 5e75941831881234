using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Turn
{
    public class TurnClientTests
    {
        /// <summary>Plays the socket owner: sends for the client and feeds it everything the server sends back.</summary>
        private sealed class Harness : IDisposable
        {
            private readonly UdpClient _socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            private readonly CancellationTokenSource _stop = new CancellationTokenSource();

            public Harness(IPEndPoint server, string username, string password, uint attempts = 7)
            {
                Client = new TurnClient(new TurnServer(server, username, password), d => _socket.Send(d, d.Length, server),
                    TimeSpan.FromMilliseconds(50), (int)attempts);
                _ = Task.Run(async () =>
                {
                    while (!_stop.IsCancellationRequested)
                    {
                        UdpReceiveResult received;
                        try
                        {
                            received = await _socket.ReceiveAsync(_stop.Token);
                        }
                        catch (Exception)
                        {
                            return;
                        }
                        if (Client.TryHandle(received.Buffer, out var data, out var peer) && data != null) Data.Enqueue((data, peer!));
                    }
                });
            }

            public TurnClient Client { get; }
            public IPEndPoint Local => (IPEndPoint)_socket.Client.LocalEndPoint!;
            public ConcurrentQueue<(byte[] Data, IPEndPoint Peer)> Data { get; } = new ConcurrentQueue<(byte[], IPEndPoint)>();

            public void Dispose()
            {
                Client.Dispose();
                _stop.Cancel();
                _socket.Dispose();
            }
        }

        [Fact]
        public async Task AllocatesAfterTheChallengeAndRelaysBothWays()
        {
            using var server = new FakeTurnServer("user", "secret");
            using var harness = new Harness(server.Address, "user", "secret");
            await harness.Client.AllocateAsync();
            Assert.Equal(IPAddress.Loopback, harness.Client.RelayedAddress!.Address);
            Assert.NotEqual(server.Address, harness.Client.RelayedAddress);
            Assert.Equal(harness.Local, harness.Client.MappedAddress);
            Assert.Equal(TimeSpan.FromSeconds(600), harness.Client.Lifetime);

            using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var peerAddress = (IPEndPoint)peer.Client.LocalEndPoint!;
            Assert.False(harness.Client.HasPermission(IPAddress.Loopback));
            await harness.Client.CreatePermissionAsync(IPAddress.Loopback);
            Assert.True(harness.Client.HasPermission(IPAddress.Loopback));

            harness.Client.Send(new byte[] { 0x80, 1, 2, 3 }, peerAddress);
            var atPeer = await peer.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(new byte[] { 0x80, 1, 2, 3 }, atPeer.Buffer);
            Assert.Equal(harness.Client.RelayedAddress, atPeer.RemoteEndPoint);

            peer.Send(new byte[] { 22, 9 }, 2, harness.Client.RelayedAddress);
            await Eventually.True(() => harness.Data.Count == 1);
            Assert.True(harness.Data.TryDequeue(out var relayed));
            Assert.Equal(new byte[] { 22, 9 }, relayed.Data);
            Assert.Equal(peerAddress, relayed.Peer);

            harness.Client.Dispose();
            await Eventually.True(() => server.Deallocations == 1);
        }

        [Fact]
        public async Task WrongPasswordIsRefused()
        {
            using var server = new FakeTurnServer("user", "secret");
            using var harness = new Harness(server.Address, "user", "not-the-secret");
            var error = await Assert.ThrowsAsync<TurnException>(() => harness.Client.AllocateAsync());
            Assert.Equal(StunErrorCode.Unauthorized, error.ErrorCode);
            Assert.DoesNotContain("not-the-secret", error.Message);
            Assert.DoesNotContain("not-the-secret", new TurnServer(server.Address, "user", "not-the-secret").ToString());
        }

        [Fact]
        public async Task StaleNonceIsRenewedAndAllocationIsRefreshed()
        {
            // Lifetime 2 s: the client refreshes after about 1 s; each nonce is good for one request.
            using var server = new FakeTurnServer("user", "secret", lifetime: 2, staleNonceAfter: 1);
            using var harness = new Harness(server.Address, "user", "secret");
            await harness.Client.AllocateAsync();
            await harness.Client.CreatePermissionAsync(IPAddress.Loopback);
            await Eventually.True(() => server.Refreshes >= 1);
            Assert.Equal(1, server.Permissions);
        }

        [Fact]
        public async Task ResponsesWithoutOurIntegrityAreDropped()
        {
            using var server = new FakeTurnServer("user", "secret") { CorruptIntegrity = true };
            using var harness = new Harness(server.Address, "user", "secret", attempts: 3);
            await Assert.ThrowsAsync<TurnException>(() => harness.Client.AllocateAsync());
            Assert.True(harness.Client.Dropped >= 1);
            Assert.Null(harness.Client.RelayedAddress);
        }

        [Fact]
        public void SurvivesHostileDatagrams()
        {
            var client = new TurnClient(new TurnServer(new IPEndPoint(IPAddress.Loopback, 3478), "u", "p"), _ => { });
            var seeds = new[]
            {
                new StunMessageBuilder(new StunMessageType(StunMethod.Data, StunClass.Indication), new byte[12])
                    .AddXorAddress(StunAttributeType.XorPeerAddress, new IPEndPoint(IPAddress.Loopback, 5000)).Add(StunAttributeType.Data, new byte[] { 1, 2, 3 })
                    .AddFingerprint().ToArray(),
                new StunMessageBuilder(new StunMessageType(StunMethod.Allocate, StunClass.ErrorResponse), new byte[12])
                    .AddErrorCode(401, "Unauthorized").AddRealm("r").AddNonce("n").AddFingerprint().ToArray(),
                TurnChannelData.Build(0x4000, new byte[] { 0x80, 1, 2 }, pad: true), // no channel is bound: dropped and counted
            };
            int handled = 0;
            Fuzz.HostileInput.Run(seeds, 100_000, 8656, input =>
            {
                if (client.TryHandle(input, out var data, out var peer) && data != null)
                {
                    Assert.NotNull(peer);
                    handled++;
                }
            }, e => false, length => 64L * length + 16_384);
            Assert.True(handled > 100);
            Assert.True(client.Dropped > 100);
        }
    }
}
