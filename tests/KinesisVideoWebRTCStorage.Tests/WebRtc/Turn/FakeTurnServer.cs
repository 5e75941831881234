using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Stun;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Turn
{
    /// <summary>
    /// A minimal TURN server on 127.0.0.1 for tests: long-term credentials with a 401 challenge and optional stale
    /// nonce, one relay socket per client, permissions by IP, Send and Data indications, Refresh. It refuses ChannelBind
    /// (400), so clients must keep relaying with indications; coturn covers channels.
    /// </summary>
    internal sealed class FakeTurnServer : IDisposable
    {
        public const string Realm = "kvs.test";
        private readonly UdpClient _control = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly ConcurrentDictionary<IPEndPoint, Relay> _relays = new ConcurrentDictionary<IPEndPoint, Relay>();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly string _username;
        private readonly string _password;
        private string _nonce = "nonce-1";
        private int _refreshes;
        private int _permissions;
        private int _nonceUses;

        public FakeTurnServer(string username, string password, uint lifetime = 600, int staleNonceAfter = int.MaxValue)
        {
            _username = username;
            _password = password;
            Lifetime = lifetime;
            StaleNonceAfter = staleNonceAfter;
            _ = Task.Run(Serve);
        }

        public IPEndPoint Address => (IPEndPoint)_control.Client.LocalEndPoint!;
        public uint Lifetime { get; }
        public int StaleNonceAfter { get; }
        public bool CorruptIntegrity { get; set; }
        public int Refreshes => _refreshes;
        public int Permissions => _permissions;
        public int RefusedChannelBinds => _refusedChannelBinds;
        private int _refusedChannelBinds;
        public int Deallocations;

        private byte[] Key => StunCredentials.LongTermKey(_username, Realm, _password);

        private async Task Serve()
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult received;
                try
                {
                    received = await _control.ReceiveAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                if (!StunMessage.IsStun(received.Buffer)) continue;
                var message = StunMessage.Parse(received.Buffer);
                var client = received.RemoteEndPoint;
                if (message.Type == new StunMessageType(StunMethod.Send, StunClass.Indication))
                {
                    var peer = message.XorPeerAddress!;
                    message.TryGetAttribute(StunAttributeType.Data, out var data);
                    if (_relays.TryGetValue(client, out var relay) && relay.Permitted.ContainsKey(peer.Address))
                        relay.Socket.Send(data.ToArray(), data.Length, peer);
                    continue;
                }
                if (message.Type.Class != StunClass.Request) continue;

                if (message.Username == null || !message.VerifyMessageIntegrity(Key))
                {
                    Reply(client, Error(message, StunErrorCode.Unauthorized, "Unauthorized").AddRealm(Realm).AddNonce(_nonce));
                    continue;
                }
                if (message.Nonce != _nonce || ++_nonceUses > StaleNonceAfter)
                {
                    _nonce = "nonce-" + Guid.NewGuid().ToString("N");
                    _nonceUses = 0;
                    Reply(client, Error(message, StunErrorCode.StaleNonce, "Stale Nonce").AddRealm(Realm).AddNonce(_nonce));
                    continue;
                }
                if (message.Type.Method == StunMethod.ChannelBind)
                {
                    Interlocked.Increment(ref _refusedChannelBinds);
                    Reply(client, Error(message, 400, "Bad Request").AddMessageIntegrity(Key));
                    continue;
                }
                var success = new StunMessageBuilder(new StunMessageType(message.Type.Method, StunClass.SuccessResponse), message.TransactionId.Span);
                switch (message.Type.Method)
                {
                    case StunMethod.Allocate:
                        var relay = _relays.GetOrAdd(client, c => new Relay(this, c));
                        success.AddXorAddress(StunAttributeType.XorRelayedAddress, relay.Address).AddXorMappedAddress(client).AddLifetime(Lifetime);
                        break;
                    case StunMethod.CreatePermission:
                        if (_relays.TryGetValue(client, out var permitted)) permitted.Permitted[message.XorPeerAddress!.Address] = true;
                        Interlocked.Increment(ref _permissions);
                        break;
                    case StunMethod.Refresh:
                        if (message.Lifetime == 0) Interlocked.Increment(ref Deallocations);
                        else Interlocked.Increment(ref _refreshes);
                        success.AddLifetime(message.Lifetime ?? Lifetime);
                        break;
                }
                Reply(client, success.AddMessageIntegrity(CorruptIntegrity ? StunCredentials.ShortTermKey("not the key") : Key));
            }
        }

        private static StunMessageBuilder Error(StunMessage request, int code, string reason) =>
            new StunMessageBuilder(new StunMessageType(request.Type.Method, StunClass.ErrorResponse), request.TransactionId.Span).AddErrorCode(code, reason);

        private void Reply(IPEndPoint client, StunMessageBuilder builder)
        {
            byte[] bytes = builder.AddFingerprint().ToArray();
            _control.Send(bytes, bytes.Length, client);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _control.Dispose();
            foreach (var relay in _relays.Values) relay.Socket.Dispose();
        }

        private sealed class Relay
        {
            public Relay(FakeTurnServer server, IPEndPoint client)
            {
                _ = Task.Run(async () =>
                {
                    while (!server._stop.IsCancellationRequested)
                    {
                        UdpReceiveResult received;
                        try
                        {
                            received = await Socket.ReceiveAsync(server._stop.Token);
                        }
                        catch (Exception)
                        {
                            return;
                        }
                        if (!Permitted.ContainsKey(received.RemoteEndPoint.Address)) continue;
                        byte[] indication = new StunMessageBuilder(new StunMessageType(StunMethod.Data, StunClass.Indication), StunMessageBuilder.NewTransactionId())
                            .AddXorAddress(StunAttributeType.XorPeerAddress, received.RemoteEndPoint).Add(StunAttributeType.Data, received.Buffer)
                            .AddFingerprint().ToArray();
                        server._control.Send(indication, indication.Length, client);
                    }
                });
            }

            public UdpClient Socket { get; } = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            public IPEndPoint Address => (IPEndPoint)Socket.Client.LocalEndPoint!;
            public ConcurrentDictionary<IPAddress, bool> Permitted { get; } = new ConcurrentDictionary<IPAddress, bool>();
        }
    }
}
