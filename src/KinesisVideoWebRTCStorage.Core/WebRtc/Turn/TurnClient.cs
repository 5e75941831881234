using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Stun;

namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>
    /// A TURN client over UDP (RFC 8656) for one allocation: Allocate with long-term credentials, CreatePermission,
    /// Send and Data indications, and Refresh before the allocation and permissions expire. It owns no socket: the
    /// owner sends what <c>sendToServer</c> receives and passes every datagram from the server to <see cref="TryHandle"/>.
    /// </summary>
    public sealed class TurnClient : IDisposable
    {
        private const byte Udp = 17;

        /// <summary>Permissions last 300 s (RFC 8656 section 9); refresh well before.</summary>
        private static readonly TimeSpan PermissionRefresh = TimeSpan.FromMinutes(4);

        private readonly object _lock = new object();
        private readonly TurnServer _server;
        private readonly Action<byte[]> _sendToServer;
        private readonly TimeSpan _retransmitTimeout;
        private readonly int _attempts;
        private readonly Dictionary<string, Pending> _pending = new Dictionary<string, Pending>();
        private readonly HashSet<IPAddress> _permissions = new HashSet<IPAddress>();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private string? _realm;
        private string? _nonce;
        private byte[]? _key;

        /// <param name="retransmitTimeout">RFC 8489 section 6.2.1: 500 ms initially, doubled on each of up to 7 attempts.</param>
        public TurnClient(TurnServer server, Action<byte[]> sendToServer, TimeSpan? retransmitTimeout = null, int attempts = 7)
        {
            _server = server ?? throw new ArgumentNullException(nameof(server));
            _sendToServer = sendToServer ?? throw new ArgumentNullException(nameof(sendToServer));
            _retransmitTimeout = retransmitTimeout ?? TimeSpan.FromMilliseconds(500);
            _attempts = attempts;
        }

        public IPEndPoint Server => _server.Address;
        public IPEndPoint? RelayedAddress { get; private set; }

        /// <summary>Our address as the TURN server sees it, the related address of the relayed candidate.</summary>
        public IPEndPoint? MappedAddress { get; private set; }

        public TimeSpan Lifetime { get; private set; }

        /// <summary>Datagrams from the server that were dropped: forged or corrupt responses, malformed indications.</summary>
        public long Dropped => Interlocked.Read(ref _dropped);

        private long _dropped;

        public async Task AllocateAsync(CancellationToken cancellationToken = default)
        {
            var response = await RequestAsync(StunMethod.Allocate, b => b.AddRequestedTransport(Udp), cancellationToken).ConfigureAwait(false);
            RelayedAddress = response.XorRelayedAddress ?? throw new TurnException("Allocate success lacks XOR-RELAYED-ADDRESS.");
            MappedAddress = response.XorMappedAddress;
            Lifetime = TimeSpan.FromSeconds(response.Lifetime ?? 600);
            _ = Task.Run(MaintainAsync);
        }

        /// <summary>Lets the peer's IP address send to our relayed address (ports are not part of permissions).</summary>
        public async Task CreatePermissionAsync(IPAddress peer, CancellationToken cancellationToken = default)
        {
            await RequestAsync(StunMethod.CreatePermission, b => b.AddXorAddress(StunAttributeType.XorPeerAddress, new IPEndPoint(peer, 0)),
                cancellationToken).ConfigureAwait(false);
            lock (_lock) _permissions.Add(peer);
        }

        public bool HasPermission(IPAddress peer)
        {
            lock (_lock) return _permissions.Contains(peer);
        }

        /// <summary>Relays a datagram to the peer in a Send indication (no response; the server drops it without permission).</summary>
        public void Send(byte[] data, IPEndPoint peer)
        {
            _sendToServer(new StunMessageBuilder(new StunMessageType(StunMethod.Send, StunClass.Indication), StunMessageBuilder.NewTransactionId())
                .AddXorAddress(StunAttributeType.XorPeerAddress, peer).Add(StunAttributeType.Data, data).AddFingerprint().ToArray());
        }

        /// <summary>
        /// Consumes a datagram from the server. Returns false when it is not STUN. A Data indication yields the peer's
        /// datagram and address; responses complete their request.
        /// </summary>
        public bool TryHandle(byte[] datagram, out byte[]? data, out IPEndPoint? peer)
        {
            data = null;
            peer = null;
            if (!StunMessage.IsStun(datagram)) return false;
            try
            {
                var message = StunMessage.Parse(datagram);
                if (message.HasFingerprint && !message.VerifyFingerprint()) throw new StunFormatException("bad FINGERPRINT");
                if (message.Type == new StunMessageType(StunMethod.Data, StunClass.Indication))
                {
                    if (!message.TryGetAttribute(StunAttributeType.Data, out var payload)) throw new StunFormatException("Data indication without DATA");
                    peer = message.XorPeerAddress ?? throw new StunFormatException("Data indication without XOR-PEER-ADDRESS");
                    data = payload.ToArray();
                    return true;
                }
                if (message.Type.Class == StunClass.SuccessResponse || message.Type.Class == StunClass.ErrorResponse) Complete(message);
            }
            catch (StunFormatException)
            {
                Interlocked.Increment(ref _dropped);
            }
            return true;
        }

        private void Complete(StunMessage response)
        {
            Pending? pending;
            string id = Convert.ToBase64String(response.TransactionId.ToArray());
            lock (_lock)
            {
                if (!_pending.TryGetValue(id, out pending)) return;
                // A success to an authenticated request must carry our MESSAGE-INTEGRITY; error responses that only
                // ask for (new) credentials are accepted without, as RFC 8489 section 9.2.5 allows.
                bool authentic = pending.Key == null || response.VerifyMessageIntegrity(pending.Key)
                    || (response.Type.Class == StunClass.ErrorResponse && IsCredentialChallenge(response));
                if (!authentic)
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }
                _pending.Remove(id);
            }
            pending.Response.TrySetResult(response);
        }

        private static bool IsCredentialChallenge(StunMessage response)
        {
            int? code = response.ErrorCode?.Code;
            return code == StunErrorCode.Unauthorized || code == StunErrorCode.StaleNonce;
        }

        /// <summary>Sends a request, answering a 401 or 438 challenge with (refreshed) long-term credentials.</summary>
        private async Task<StunMessage> RequestAsync(ushort method, Action<StunMessageBuilder> addAttributes, CancellationToken cancellationToken)
        {
            for (int round = 0; round < 3; round++)
            {
                byte[] id = StunMessageBuilder.NewTransactionId();
                var builder = new StunMessageBuilder(new StunMessageType(method, StunClass.Request), id);
                addAttributes(builder);
                byte[]? key = AddCredentials(builder);
                var response = await TransactAsync(id, builder.AddFingerprint().ToArray(), key, cancellationToken).ConfigureAwait(false);
                if (response.Type.Class == StunClass.SuccessResponse) return response;

                var error = response.ErrorCode;
                bool challenge = (error?.Code == StunErrorCode.Unauthorized && key == null) || error?.Code == StunErrorCode.StaleNonce;
                if (!challenge || response.Nonce == null || (response.Realm ?? _realm) == null)
                    throw new TurnException($"TURN method 0x{method:X3} refused: {error?.ToString() ?? "no error code"}", error?.Code ?? 0);
                lock (_lock)
                {
                    _realm = response.Realm ?? _realm;
                    _nonce = response.Nonce;
                    _key = StunCredentials.LongTermKey(_server.Username, _realm!, _server.Password);
                }
            }
            throw new TurnException($"TURN method 0x{method:X3}: the server kept rejecting our credentials.", StunErrorCode.Unauthorized);
        }

        /// <summary>Adds USERNAME, REALM, NONCE and MESSAGE-INTEGRITY once a challenge gave us a realm and nonce; returns the key used.</summary>
        private byte[]? AddCredentials(StunMessageBuilder builder)
        {
            lock (_lock)
            {
                if (_key != null) builder.AddUsername(_server.Username).AddRealm(_realm!).AddNonce(_nonce!).AddMessageIntegrity(_key);
                return _key;
            }
        }

        private async Task<StunMessage> TransactAsync(byte[] id, byte[] request, byte[]? key, CancellationToken cancellationToken)
        {
            var pending = new Pending(key);
            string name = Convert.ToBase64String(id);
            lock (_lock) _pending[name] = pending;
            try
            {
                TimeSpan timeout = _retransmitTimeout;
                for (int attempt = 0; attempt < _attempts; attempt++)
                {
                    _sendToServer(request);
                    var delay = Task.Delay(timeout, cancellationToken);
                    if (await Task.WhenAny(pending.Response.Task, delay).ConfigureAwait(false) == pending.Response.Task) return await pending.Response.Task.ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    timeout = TimeSpan.FromTicks(timeout.Ticks * 2);
                }
                throw new TurnException($"TURN server {_server.Address} did not answer.");
            }
            finally
            {
                lock (_lock) _pending.Remove(name);
            }
        }

        private async Task MaintainAsync()
        {
            var nextAllocationRefresh = DateTime.UtcNow + TimeSpan.FromTicks(Lifetime.Ticks / 2);
            var nextPermissionRefresh = DateTime.UtcNow + PermissionRefresh;
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var next = nextAllocationRefresh < nextPermissionRefresh ? nextAllocationRefresh : nextPermissionRefresh;
                    var wait = next - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
                    if (DateTime.UtcNow >= nextAllocationRefresh)
                    {
                        var response = await RequestAsync(StunMethod.Refresh, b => b.AddLifetime((uint)Lifetime.TotalSeconds), _stop.Token).ConfigureAwait(false);
                        Lifetime = TimeSpan.FromSeconds(response.Lifetime ?? Lifetime.TotalSeconds);
                        nextAllocationRefresh = DateTime.UtcNow + TimeSpan.FromTicks(Lifetime.Ticks / 2);
                    }
                    if (DateTime.UtcNow >= nextPermissionRefresh)
                    {
                        List<IPAddress> peers;
                        lock (_lock) peers = _permissions.ToList();
                        foreach (var peer in peers) await CreatePermissionAsync(peer, _stop.Token).ConfigureAwait(false);
                        nextPermissionRefresh = DateTime.UtcNow + PermissionRefresh;
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (TurnException)
                {
                    // Try again at the next interval; if the allocation really expired, ICE consent fails on it.
                    nextAllocationRefresh = nextPermissionRefresh = DateTime.UtcNow + TimeSpan.FromSeconds(5);
                }
            }
        }

        /// <summary>Stops refreshing and releases the allocation (Refresh with LIFETIME 0), without waiting for the answer.</summary>
        public void Dispose()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            if (RelayedAddress == null) return;
            var builder = new StunMessageBuilder(new StunMessageType(StunMethod.Refresh, StunClass.Request), StunMessageBuilder.NewTransactionId()).AddLifetime(0);
            AddCredentials(builder);
            _sendToServer(builder.AddFingerprint().ToArray());
        }

        public override string ToString() => $"TURN client {_server} relayed={RelayedAddress}";

        private sealed class Pending
        {
            public Pending(byte[]? key)
            {
                Key = key;
            }

            public byte[]? Key { get; }
            public TaskCompletionSource<StunMessage> Response { get; } =
                new TaskCompletionSource<StunMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
