using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

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

        public void Dispose()
        {
            Client.Dispose();
            _connection?.Dispose();
            _stop.Cancel();
            _socket?.Dispose();
        }
    }
}
