using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Emulator.Turn;
using KinesisVideoWebRTCStorage.Tests.WebRtc;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Turn;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Emulator.Turn
{
    /// <summary>The emulator's own TURN server, driven by our TURN client (the same one coturn is tested with) and by raw bytes.</summary>
    public sealed class EmulatorTurnServerTests : IAsyncLifetime
    {
        private readonly TurnRestCredentials _credentials = new TurnRestCredentials("emulator-turn-test-secret");
        private EmulatorTurnServer _server = null!;

        public Task InitializeAsync()
        {
            _server = EmulatorTurnServer.Start(IPAddress.Loopback, 0, _credentials);
            return Task.CompletedTask;
        }

        public async Task DisposeAsync() => await _server.DisposeAsync();

        private TurnServer Server(TurnTransport transport, DateTimeOffset? expiry = null, string? password = null)
        {
            var (username, issued) = _credentials.Issue("master-1", expiry ?? DateTimeOffset.UtcNow.AddMinutes(5));
            return new TurnServer(new IPEndPoint(IPAddress.Loopback, _server.Port), transport, username, password ?? issued);
        }

        private static async Task<UdpReceiveResult> ReceiveAsync(UdpClient peer) => await peer.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));

        [Fact]
        public void HandsOutUdpAndTcpOnOnePort()
        {
            Assert.Equal(new[] { $"turn:127.0.0.1:{_server.Port}?transport=udp", $"turn:127.0.0.1:{_server.Port}?transport=tcp" }, _server.Uris);
            Assert.All(_server.Uris, uri => Assert.Equal(_server.Port, TurnServer.Parse(uri, "u", "p").Address.Port));
        }

        [Theory]
        [InlineData(TurnTransport.Udp)]
        [InlineData(TurnTransport.Tcp)]
        public async Task RelaysThroughIndicationsThenAChannelBothWays(TurnTransport transport)
        {
            using var harness = await TurnConnectionHarness.ConnectAsync(Server(transport));
            var client = harness.Client;
            await client.AllocateAsync();
            Assert.Equal(IPAddress.Loopback, client.RelayedAddress!.Address);
            Assert.NotEqual(_server.Port, client.RelayedAddress.Port);
            Assert.Equal(IPAddress.Loopback, client.MappedAddress!.Address);
            Assert.Equal(TimeSpan.FromMinutes(10), client.Lifetime);

            await harness.AssertRelaysThroughIndicationsThenAChannelAsync();
            Assert.Equal(1, _server.AllocationCount);
        }

        [Fact]
        public async Task APeerWithoutAPermissionIsDroppedAndCounted()
        {
            using var harness = await TurnConnectionHarness.ConnectAsync(Server(TurnTransport.Udp));
            await harness.Client.AllocateAsync();
            using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            stranger.Send(new byte[] { 1, 2, 3 }, 3, harness.Client.RelayedAddress!);
            await Eventually.True(() => _server.Dropped == 1);
            // Nor may the client reach a peer it has not permitted.
            harness.Client.Send(new byte[] { 4 }, (IPEndPoint)stranger.Client.LocalEndPoint!);
            await Eventually.True(() => _server.Dropped == 2);
            Assert.Empty(harness.Received);
            Assert.Equal(0, stranger.Available);
        }

        [Theory]
        [InlineData(TurnTransport.Udp)]
        [InlineData(TurnTransport.Tcp)]
        public async Task ExpiredCredentialsCannotAllocate(TurnTransport transport)
        {
            using var harness = await TurnConnectionHarness.ConnectAsync(Server(transport, expiry: DateTimeOffset.UtcNow.AddSeconds(-1)));
            var error = await Assert.ThrowsAsync<TurnException>(() => harness.Client.AllocateAsync());
            Assert.Equal(StunErrorCode.Unauthorized, error.ErrorCode);
            Assert.Equal(0, _server.AllocationCount);
        }

        [Fact]
        public async Task AWrongPasswordIsRefusedWithoutSayingIt()
        {
            const string wrong = "d2hhdC1pcy10aGlzPw==";
            using var harness = await TurnConnectionHarness.ConnectAsync(Server(TurnTransport.Udp, password: wrong));
            var error = await Assert.ThrowsAsync<TurnException>(() => harness.Client.AllocateAsync());
            Assert.Equal(StunErrorCode.Unauthorized, error.ErrorCode);
            Assert.DoesNotContain(wrong, error.ToString());
            Assert.Equal(0, _server.AllocationsMade);
        }

        [Fact]
        public async Task ReleasingTheAllocationFreesItsRelay()
        {
            var harness = await TurnConnectionHarness.ConnectAsync(Server(TurnTransport.Udp));
            await harness.Client.AllocateAsync();
            Assert.Equal(1, _server.AllocationCount);
            harness.Dispose();
            await Eventually.True(() => _server.AllocationCount == 0);
        }

        [Fact]
        public async Task ClosingTheTcpConnectionEndsItsAllocation()
        {
            var harness = await TurnConnectionHarness.ConnectAsync(Server(TurnTransport.Tcp));
            await harness.Client.AllocateAsync();
            Assert.Equal(1, _server.AllocationCount);
            harness.Connection!.Dispose();
            await Eventually.True(() => _server.AllocationCount == 0);
        }

        [Fact]
        public async Task ASecondAllocateOnTheSameAddressIsAMismatch()
        {
            using var harness = await TurnConnectionHarness.ConnectAsync(Server(TurnTransport.Udp));
            await harness.Client.AllocateAsync();
            var error = await Assert.ThrowsAsync<TurnException>(() => harness.Client.AllocateAsync());
            Assert.Equal(437, error.ErrorCode);
            Assert.Equal(1, _server.AllocationCount);
        }

        [Fact]
        public async Task UnknownRequiredAttributesAndBadRequestsGetTheirErrorCodes()
        {
            using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var server = new IPEndPoint(IPAddress.Loopback, _server.Port);
            async Task<StunMessage> AskAsync(byte[] request)
            {
                socket.Send(request, request.Length, server);
                return StunMessage.Parse((await ReceiveAsync(socket)).Buffer);
            }
            var allocate = new StunMessageType(StunMethod.Allocate, StunClass.Request);

            var unknown = await AskAsync(new StunMessageBuilder(allocate, StunMessageBuilder.NewTransactionId()).Add(0x0018, new byte[4]).AddFingerprint().ToArray());
            Assert.Equal(StunErrorCode.UnknownAttribute, unknown.ErrorCode!.Value.Code);
            Assert.True(unknown.TryGetAttribute(StunAttributeType.UnknownAttributes, out var listed));
            Assert.Equal(new byte[] { 0x00, 0x18 }, listed.ToArray());

            // An unauthenticated request is challenged with a realm and a nonce; no allocation is made.
            var challenge = await AskAsync(new StunMessageBuilder(allocate, StunMessageBuilder.NewTransactionId()).AddRequestedTransport(17).AddFingerprint().ToArray());
            Assert.Equal(StunErrorCode.Unauthorized, challenge.ErrorCode!.Value.Code);
            Assert.Equal(EmulatorTurnServer.Realm, challenge.Realm);
            Assert.NotNull(challenge.Nonce);

            // A forged nonce is stale; a right key with TCP as the relay transport is 442.
            var (username, password) = _credentials.Issue("raw", DateTimeOffset.UtcNow.AddMinutes(1));
            var key = StunCredentials.LongTermKey(username, EmulatorTurnServer.Realm, password);
            var forged = await AskAsync(new StunMessageBuilder(allocate, StunMessageBuilder.NewTransactionId()).AddRequestedTransport(17)
                .AddUsername(username).AddRealm(EmulatorTurnServer.Realm).AddNonce("ffffffff.0000").AddMessageIntegrity(key).AddFingerprint().ToArray());
            Assert.Equal(StunErrorCode.StaleNonce, forged.ErrorCode!.Value.Code);
            var tcpRelay = await AskAsync(new StunMessageBuilder(allocate, StunMessageBuilder.NewTransactionId()).AddRequestedTransport(6)
                .AddUsername(username).AddRealm(EmulatorTurnServer.Realm).AddNonce(challenge.Nonce!).AddMessageIntegrity(key).AddFingerprint().ToArray());
            Assert.Equal(442, tcpRelay.ErrorCode!.Value.Code);
            Assert.True(tcpRelay.VerifyMessageIntegrity(key));

            // Binding needs no credentials: it tells the client its address.
            var binding = await AskAsync(new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId()).ToArray());
            Assert.Equal(socket.Client.LocalEndPoint, binding.XorMappedAddress);
            Assert.Equal(0, _server.AllocationsMade);
        }

        [Fact]
        public async Task HostileDatagramsAreCountedDropsAndTheServerKeepsServing()
        {
            using var attacker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var server = new IPEndPoint(IPAddress.Loopback, _server.Port);
            var random = new Random(8656);
            var valid = new StunMessageBuilder(new StunMessageType(StunMethod.Send, StunClass.Indication), StunMessageBuilder.NewTransactionId())
                .AddXorAddress(StunAttributeType.XorPeerAddress, new IPEndPoint(IPAddress.Loopback, 9)).Add(StunAttributeType.Data, new byte[7]).AddFingerprint().ToArray();
            int sent = 0;
            for (int i = 0; i < 500; i++)
            {
                byte[] datagram;
                switch (i % 4)
                {
                    case 0: // a valid message cut short or damaged at random
                        datagram = valid.Take(random.Next(1, valid.Length)).ToArray();
                        break;
                    case 1:
                        datagram = (byte[])valid.Clone();
                        datagram[random.Next(datagram.Length)] ^= (byte)random.Next(1, 256);
                        break;
                    case 2: // ChannelData claiming more than it carries, or on a channel nobody bound
                        datagram = new byte[] { 0x40, (byte)random.Next(256), 0xFF, 0xFF, 1, 2 };
                        break;
                    default:
                        datagram = new byte[random.Next(1, 200)];
                        random.NextBytes(datagram);
                        break;
                }
                attacker.Send(datagram, datagram.Length, server);
                sent++;
                // Paced, so that the socket's receive buffer does not overflow and lose datagrams before they are judged.
                if (i % 25 == 24) await Task.Delay(10);
            }
            // Every datagram is dropped or, for a request that survived the damage, answered; none allocates or relays.
            await Task.Delay(500);
            Assert.InRange(_server.Dropped, sent * 3 / 4, sent);
            Assert.Equal(0, _server.AllocationCount);

            using var harness = await TurnConnectionHarness.ConnectAsync(Server(TurnTransport.Udp));
            await harness.Client.AllocateAsync();
            Assert.Equal(1, _server.AllocationCount);
        }

        [Fact]
        public async Task AStreamOutOfStepIsClosedAndOthersCarryOn()
        {
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync(IPAddress.Loopback, _server.Port);
                var stream = tcp.GetStream();
                // 0xC0 starts neither STUN nor ChannelData: the server cannot find the next message and hangs up.
                await stream.WriteAsync(new byte[] { 0xC0, 0, 0, 4, 1, 2, 3, 4 });
                var buffer = new byte[16];
                Assert.Equal(0, await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
            }
            Assert.Equal(1, _server.Dropped);
            using var harness = await TurnConnectionHarness.ConnectAsync(Server(TurnTransport.Tcp));
            await harness.Client.AllocateAsync();
        }

        [Fact]
        public async Task ATcpConnectionThatNeverAllocatesIsClosed()
        {
            _server.UnallocatedConnectionTimeout = TimeSpan.FromMilliseconds(300);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, _server.Port);
            Assert.Equal(0, await tcp.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        }

        [Fact]
        public async Task PermissionsExpireUnlessRefreshed()
        {
            _server.PermissionLifetime = TimeSpan.FromMilliseconds(500);
            using var harness = await TurnConnectionHarness.ConnectAsync(Server(TurnTransport.Udp));
            await harness.Client.AllocateAsync();
            using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            await harness.Client.CreatePermissionAsync(IPAddress.Loopback);
            harness.Client.Send(new byte[] { 1 }, (IPEndPoint)peer.Client.LocalEndPoint!);
            await ReceiveAsync(peer);
            await Task.Delay(800);
            harness.Client.Send(new byte[] { 2 }, (IPEndPoint)peer.Client.LocalEndPoint!);
            await Eventually.True(() => _server.Dropped == 1);
            Assert.Equal(0, peer.Available);
        }
    }
}
