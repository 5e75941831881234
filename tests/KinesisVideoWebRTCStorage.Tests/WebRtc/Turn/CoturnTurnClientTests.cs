using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Tests.Emulator;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Turn
{
    /// <summary>Our TURN client against a real coturn over UDP, TCP and TLS.</summary>
    public class CoturnTurnClientTests : IClassFixture<CoturnServer>
    {
        private readonly CoturnServer _coturn;

        public CoturnTurnClientTests(CoturnServer coturn)
        {
            _coturn = coturn;
        }

        private Task<TurnConnectionHarness> ConnectAsync(TurnTransport transport, string? username = null, string? credential = null) =>
            TurnConnectionHarness.ConnectAsync(_coturn.Server(transport, username, credential), _coturn.ValidateCertificate);

        private static async Task<UdpReceiveResult> ReceiveAsync(UdpClient peer) =>
            await peer.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));

        [Theory]
        [InlineData(TurnTransport.Udp)]
        [InlineData(TurnTransport.Tcp)]
        [InlineData(TurnTransport.Tls)]
        public async Task AllocatesAndRelaysThroughIndicationsThenAChannel(TurnTransport transport)
        {
            using var harness = await ConnectAsync(transport);
            var client = harness.Client;
            await client.AllocateAsync();
            Assert.Equal(IPAddress.Loopback, client.RelayedAddress!.Address);
            Assert.NotEqual(_coturn.Port, client.RelayedAddress.Port);
            Assert.Equal(IPAddress.Loopback, client.MappedAddress!.Address);
            Assert.True(client.Lifetime > TimeSpan.Zero);

            await harness.AssertRelaysThroughIndicationsThenAChannelAsync(() => _coturn.Log);
        }

        [Theory]
        [InlineData(TurnTransport.Udp)]
        [InlineData(TurnTransport.Tcp)]
        [InlineData(TurnTransport.Tls)]
        public async Task WrongCredentialsAreATypedErrorThatKeepsThePasswordSecret(TurnTransport transport)
        {
            const string wrong = "wrong-password-f00d";
            using var harness = await ConnectAsync(transport, _coturn.Username, wrong);
            var error = await Assert.ThrowsAsync<TurnException>(() => harness.Client.AllocateAsync());
            Assert.Equal(StunErrorCode.Unauthorized, error.ErrorCode);
            Assert.Contains("Allocate", error.Message);
            Assert.DoesNotContain(wrong, error.ToString());
            Assert.DoesNotContain(wrong, harness.Client.ToString());
            Assert.DoesNotContain(_coturn.Credential, error.ToString());
            Assert.Null(harness.Client.RelayedAddress);
        }

        [Fact]
        public async Task ExpiredTimeLimitedCredentialsAreRefused()
        {
            var (username, credential) = CoturnServer.TimeLimitedCredentials(_coturn.Secret, "late", DateTimeOffset.UtcNow.AddMinutes(-1));
            using var harness = await ConnectAsync(TurnTransport.Udp, username, credential);
            var error = await Assert.ThrowsAsync<TurnException>(() => harness.Client.AllocateAsync());
            Assert.Equal(StunErrorCode.Unauthorized, error.ErrorCode);
        }

        [Fact]
        public async Task TlsValidatesTheCertificateByDefault()
        {
            // coturn's certificate is self-signed: without the test's pin the handshake must fail, and say why.
            using var connection = new TurnStreamConnection(_coturn.Server(TurnTransport.Tls));
            var error = await Assert.ThrowsAsync<TurnException>(() => connection.ConnectAsync(_ => { }));
            Assert.Contains("TLS", error.Message);
            Assert.DoesNotContain(_coturn.Credential, error.Message);
            Assert.True(connection.IsClosed);
        }

        [Theory]
        [InlineData(TurnTransport.Udp)]
        [InlineData(TurnTransport.Tls)]
        public async Task PermissionsAndChannelsAreRefreshedBeforeTheyExpire(TurnTransport transport)
        {
            using var harness = await ConnectAsync(transport);
            var client = harness.Client;
            client.PeerRefreshInterval = TimeSpan.FromMilliseconds(300);
            await client.AllocateAsync();
            using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var peerAddress = (IPEndPoint)peer.Client.LocalEndPoint!;
            // One peer with a channel, another address with only a permission: each is renewed its own way.
            await client.BindChannelAsync(peerAddress);
            await client.CreatePermissionAsync(IPAddress.Parse("127.0.0.2"));
            await Eventually.True(() => client.ChannelRefreshes >= 2 && client.PermissionRefreshes >= 2,
                describe: () => $"channel refreshes {client.ChannelRefreshes}, permission refreshes {client.PermissionRefreshes}\n{_coturn.Log}");

            client.Send(new byte[] { 0x80, 42 }, peerAddress);
            Assert.Equal(new byte[] { 0x80, 42 }, (await ReceiveAsync(peer)).Buffer);
            Assert.Equal(1, client.ChannelDataSent);
        }

        [Fact]
        public async Task CoturnAcceptsTheCredentialsTheEmulatorHandsOut()
        {
            await using var emulator = await EmulatorHarness.StartAsync(o =>
            {
                o.TurnUris.AddRange(_coturn.Uris);
                o.TurnSecret = _coturn.Secret;
            });
            var (channelArn, _) = await emulator.CreateStorageChannelAsync("turn-creds");
            var iceServer = Assert.Single(await emulator.Connect().Signaling(emulator.Server.EndpointUrl).GetIceServerConfigAsync(channelArn, "viewer-1"));
            var servers = TurnUriTests.IceServersOf(iceServer);
            Assert.Equal(new[] { TurnTransport.Udp, TurnTransport.Tcp, TurnTransport.Tls }, servers.Select(s => s.Transport));
            foreach (var server in servers)
            {
                using var harness = await TurnConnectionHarness.ConnectAsync(server, _coturn.ValidateCertificate);
                await harness.Client.AllocateAsync();
                Assert.NotNull(harness.Client.RelayedAddress);
            }
        }
    }
}
