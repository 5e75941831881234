using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Turn;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Turn
{
    /// <summary>
    /// Plays the owner of a <see cref="TurnClient"/> over any transport: a UDP socket of its own, or a
    /// <see cref="TurnStreamConnection"/> for TCP and TLS; everything relayed to us is queued in <see cref="Received"/>.
    /// </summary>
    internal sealed class TurnConnectionHarness : IDisposable
    {
        private readonly UdpClient? _socket;
        private readonly TurnStreamConnection? _connection;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        private TurnConnectionHarness(TurnServer server, RemoteCertificateValidationCallback? validateCertificate, TimeSpan retransmitTimeout)
        {
            if (server.Transport == TurnTransport.Udp)
            {
                var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                _socket = socket;
                Client = new TurnClient(server, d => socket.Send(d, d.Length, server.Address), retransmitTimeout);
            }
            else
            {
                _connection = new TurnStreamConnection(server, validateCertificate, TimeSpan.FromSeconds(5));
                Client = new TurnClient(server, _connection.Send, retransmitTimeout);
            }
        }

        public TurnClient Client { get; }
        public TurnStreamConnection? Connection => _connection;
        public ConcurrentQueue<(byte[] Data, IPEndPoint Peer)> Received { get; } = new ConcurrentQueue<(byte[], IPEndPoint)>();

        /// <summary>Connects (TCP and TLS) and starts receiving; allocating is left to the test.</summary>
        public static async Task<TurnConnectionHarness> ConnectAsync(TurnServer server, RemoteCertificateValidationCallback? validateCertificate = null,
            TimeSpan? retransmitTimeout = null)
        {
            var harness = new TurnConnectionHarness(server, validateCertificate, retransmitTimeout ?? TimeSpan.FromMilliseconds(100));
            try
            {
                if (harness._connection != null) await harness._connection.ConnectAsync(harness.Deliver);
                else _ = Task.Run(harness.ReceiveUdp);
                return harness;
            }
            catch
            {
                harness.Dispose();
                throw;
            }
        }

        private async Task ReceiveUdp()
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult received;
                try
                {
                    received = await _socket!.ReceiveAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }
                Deliver(received.Buffer);
            }
        }

        private void Deliver(byte[] message)
        {
            if (Client.TryHandle(message, out var data, out var peer) && data != null) Received.Enqueue((data, peer!));
        }

        /// <summary>
        /// After Allocate: a local UDP peer and the client exchange datagrams through the relay both ways, first in Send
        /// and Data indications, then on a bound channel with odd lengths (which TCP and TLS must pad).
        /// </summary>
        public async Task AssertRelaysThroughIndicationsThenAChannelAsync(Func<string>? describe = null)
        {
            using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var peerAddress = (IPEndPoint)peer.Client.LocalEndPoint!;
            async Task<UdpReceiveResult> AtPeerAsync() => await peer.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
            async Task<(byte[] Data, IPEndPoint Peer)> AtClientAsync()
            {
                await Eventually.True(() => Received.Count == 1, describe: describe);
                Assert.True(Received.TryDequeue(out var relayed));
                return relayed;
            }

            await Client.CreatePermissionAsync(IPAddress.Loopback);
            Client.Send(new byte[] { 0x80, 1, 2, 3 }, peerAddress);
            var atPeer = await AtPeerAsync();
            Assert.Equal(new byte[] { 0x80, 1, 2, 3 }, atPeer.Buffer);
            Assert.Equal(Client.RelayedAddress, atPeer.RemoteEndPoint);
            peer.Send(new byte[] { 22, 9 }, 2, Client.RelayedAddress);
            var indicated = await AtClientAsync();
            Assert.Equal(new byte[] { 22, 9 }, indicated.Data);
            Assert.Equal(peerAddress, indicated.Peer);
            Assert.Equal(1, Client.SendIndicationsSent);
            Assert.Equal(1, Client.DataIndicationsReceived);

            ushort channel = await Client.BindChannelAsync(peerAddress).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.InRange(channel, TurnChannelData.MinChannel, TurnChannelData.MaxChannel);
            Assert.Equal(channel, await Client.BindChannelAsync(peerAddress));
            for (int length = 1; length <= 5; length++)
            {
                var payload = Enumerable.Range(0, length).Select(i => (byte)(0x80 + i)).ToArray();
                Client.Send(payload, peerAddress);
                Assert.Equal(payload, (await AtPeerAsync()).Buffer);
                var reply = payload.Reverse().ToArray();
                peer.Send(reply, reply.Length, Client.RelayedAddress);
                var back = await AtClientAsync();
                Assert.Equal(reply, back.Data);
                Assert.Equal(peerAddress, back.Peer);
            }
            Assert.Equal(5, Client.ChannelDataSent);
            Assert.Equal(5, Client.ChannelDataReceived);
            Assert.Equal(1, Client.SendIndicationsSent);
            Assert.Equal(1, Client.DataIndicationsReceived);
            Assert.Equal(0, Client.Dropped);
        }

        public void Dispose()
        {
            Client.Dispose();
            _connection?.Dispose();
            _stop.Cancel();
            _socket?.Dispose();
        }
    }
}
