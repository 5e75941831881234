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
    /// A TURN client (RFC 8656) for one allocation: Allocate with long-term credentials, CreatePermission, ChannelBind,
    /// Send and Data indications, ChannelData, and Refresh before the allocation, permissions and channels expire. It
    /// owns no socket or connection: the owner sends what <c>sendToServer</c> receives (on a UDP socket, or queued on a
    /// <see cref="TurnStreamConnection"/> for TCP and TLS) and passes every datagram or message from the server to
    /// <see cref="TryHandle"/>.
    /// </summary>
    public sealed class TurnClient : IDisposable
    {
        private const byte Udp = 17;

        private readonly object _lock = new object();
        private readonly TurnServer _server;
        private readonly Action<byte[]> _sendToServer;
        private readonly TimeSpan _retransmitTimeout;
        private readonly int _attempts;
        private readonly bool _reliable;
        private readonly Dictionary<string, Pending> _pending = new Dictionary<string, Pending>();
        private readonly HashSet<IPAddress> _permissions = new HashSet<IPAddress>();
        private readonly Dictionary<IPEndPoint, ChannelBinding> _channelsByPeer = new Dictionary<IPEndPoint, ChannelBinding>();
        private readonly Dictionary<ushort, ChannelBinding> _channelsByNumber = new Dictionary<ushort, ChannelBinding>();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private ushort _nextChannel = TurnChannelData.MinChannel;
        private string? _realm;
        private string? _nonce;
        private byte[]? _key;
        private long _dropped;
        private long _channelDataSent;
        private long _channelDataReceived;
        private long _sendIndications;
        private long _dataIndications;
        private long _permissionRefreshes;
        private long _channelRefreshes;

        /// <param name="retransmitTimeout">
        /// RFC 8489 section 6.2.1: over UDP 500 ms initially, doubled on each of up to 7 attempts. Over TCP and TLS the
        /// request is sent once and given as long as all those attempts would take (section 6.2.2).
        /// </param>
        public TurnClient(TurnServer server, Action<byte[]> sendToServer, TimeSpan? retransmitTimeout = null, int attempts = 7)
        {
            _server = server ?? throw new ArgumentNullException(nameof(server));
            _sendToServer = sendToServer ?? throw new ArgumentNullException(nameof(sendToServer));
            _retransmitTimeout = retransmitTimeout ?? TimeSpan.FromMilliseconds(500);
            _attempts = attempts;
            _reliable = server.Transport != TurnTransport.Udp;
        }

        public IPEndPoint Server => _server.Address;
        public TurnTransport Transport => _server.Transport;
        public IPEndPoint? RelayedAddress { get; private set; }

        /// <summary>Our address as the TURN server sees it, the related address of the relayed candidate.</summary>
        public IPEndPoint? MappedAddress { get; private set; }

        public TimeSpan Lifetime { get; private set; }

        /// <summary>
        /// How often permissions and channel bindings are renewed: before permissions expire (300 s, RFC 8656 section
        /// 9) and well before channels do (600 s, section 12). A ChannelBind renews its peer's permission too.
        /// </summary>
        internal TimeSpan PeerRefreshInterval { get; set; } = TimeSpan.FromMinutes(4);

        /// <summary>Messages from the server that were dropped: forged or corrupt responses, malformed indications or ChannelData, unbound channels.</summary>
        public long Dropped => Interlocked.Read(ref _dropped);

        public long ChannelDataSent => Interlocked.Read(ref _channelDataSent);
        public long ChannelDataReceived => Interlocked.Read(ref _channelDataReceived);
        public long SendIndicationsSent => Interlocked.Read(ref _sendIndications);
        public long DataIndicationsReceived => Interlocked.Read(ref _dataIndications);

        /// <summary>Permissions renewed with CreatePermission after their first installation.</summary>
        public long PermissionRefreshes => Interlocked.Read(ref _permissionRefreshes);

        /// <summary>Channel bindings renewed with ChannelBind after they were first bound.</summary>
        public long ChannelRefreshes => Interlocked.Read(ref _channelRefreshes);

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

        /// <summary>
        /// Binds a channel to the peer (RFC 8656 section 12.1), which also installs a permission for its address. Once
        /// the server confirms it, <see cref="Send"/> uses ChannelData for that peer. Binding a bound or pending peer
        /// again returns the same channel; a failed binding may be retried with a new number.
        /// </summary>
        public Task<ushort> BindChannelAsync(IPEndPoint peer, CancellationToken cancellationToken = default)
        {
            if (peer == null) throw new ArgumentNullException(nameof(peer));
            ChannelBinding binding;
            lock (_lock)
            {
                if (_channelsByPeer.TryGetValue(peer, out var known)) return known.Bound.Task;
                // Numbers are not reused within an allocation: one whose request timed out may be bound on the server.
                if (_nextChannel > TurnChannelData.MaxChannel) throw new TurnException("All 4096 channel numbers of this allocation are used.");
                binding = new ChannelBinding(_nextChannel++, peer);
                _channelsByPeer[peer] = binding;
                _channelsByNumber[binding.Number] = binding;
            }
            _ = BindAsync(binding, cancellationToken);
            return binding.Bound.Task;
        }

        private async Task BindAsync(ChannelBinding binding, CancellationToken cancellationToken)
        {
            try
            {
                await SendChannelBindAsync(binding, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                lock (_lock)
                {
                    _channelsByPeer.Remove(binding.Peer);
                    _channelsByNumber.Remove(binding.Number);
                }
                binding.Bound.TrySetException(e);
                return;
            }
            lock (_lock)
            {
                binding.Confirmed = true;
                _permissions.Add(binding.Peer.Address);
            }
            binding.Bound.TrySetResult(binding.Number);
        }

        private Task SendChannelBindAsync(ChannelBinding binding, CancellationToken cancellationToken) =>
            RequestAsync(StunMethod.ChannelBind, b => b
                .Add(StunAttributeType.ChannelNumber, new byte[] { (byte)(binding.Number >> 8), (byte)binding.Number, 0, 0 })
                .AddXorAddress(StunAttributeType.XorPeerAddress, binding.Peer), cancellationToken);

        /// <summary>The channel confirmed for the peer, if any.</summary>
        public bool TryGetChannel(IPEndPoint peer, out ushort channel)
        {
            lock (_lock)
            {
                if (_channelsByPeer.TryGetValue(peer, out var binding) && binding.Confirmed)
                {
                    channel = binding.Number;
                    return true;
                }
            }
            channel = 0;
            return false;
        }

        /// <summary>
        /// Relays a datagram to the peer: as ChannelData once a channel is bound to it (padded on TCP and TLS), else in a
        /// Send indication. No answer either way; the server drops it without a permission.
        /// </summary>
        public void Send(byte[] data, IPEndPoint peer)
        {
            if (TryGetChannel(peer, out ushort channel))
            {
                _sendToServer(TurnChannelData.Build(channel, data, pad: _reliable));
                Interlocked.Increment(ref _channelDataSent);
                return;
            }
            _sendToServer(new StunMessageBuilder(new StunMessageType(StunMethod.Send, StunClass.Indication), StunMessageBuilder.NewTransactionId())
                .AddXorAddress(StunAttributeType.XorPeerAddress, peer).Add(StunAttributeType.Data, data).AddFingerprint().ToArray());
            Interlocked.Increment(ref _sendIndications);
        }

        /// <summary>
        /// Consumes a datagram or message from the server. Returns false when it is neither STUN nor ChannelData. A Data
        /// indication or ChannelData yields the peer's datagram and address; responses complete their request. What is
        /// malformed, forged or for an unbound channel is dropped and counted in <see cref="Dropped"/>.
        /// </summary>
        public bool TryHandle(byte[] datagram, out byte[]? data, out IPEndPoint? peer)
        {
            data = null;
            peer = null;
            if (TurnChannelData.LooksLikeChannelData(datagram)) return HandleChannelData(datagram, out data, out peer);
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
                    Interlocked.Increment(ref _dataIndications);
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

        private bool HandleChannelData(byte[] message, out byte[]? data, out IPEndPoint? peer)
        {
            data = null;
            peer = null;
            try
            {
                ushort channel = TurnChannelData.Parse(message, out var payload);
                // A pending binding counts: the server may relay on the channel before its success response reaches us.
                lock (_lock)
                    if (_channelsByNumber.TryGetValue(channel, out var binding)) peer = binding.Peer;
                if (peer == null)
                {
                    Interlocked.Increment(ref _dropped);
                    return true;
                }
                data = payload.ToArray();
                Interlocked.Increment(ref _channelDataReceived);
            }
            catch (TurnFormatException)
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
                    throw new TurnException($"TURN {MethodName(method)} refused by {_server.Address}: {error?.ToString() ?? "no error code"}", error?.Code ?? 0);
                lock (_lock)
                {
                    _realm = response.Realm ?? _realm;
                    _nonce = response.Nonce;
                    _key = StunCredentials.LongTermKey(_server.Username, _realm!, _server.Password);
                }
            }
            throw new TurnException($"TURN {MethodName(method)}: {_server.Address} kept rejecting our credentials.", StunErrorCode.Unauthorized);
        }

        private static string MethodName(ushort method) => method switch
        {
            StunMethod.Allocate => "Allocate",
            StunMethod.Refresh => "Refresh",
            StunMethod.CreatePermission => "CreatePermission",
            StunMethod.ChannelBind => "ChannelBind",
            _ => $"method 0x{method:X3}",
        };

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
                // A stream delivers the request or dies, so it is sent once and given the whole UDP schedule (Ti).
                int attempts = _reliable ? 1 : _attempts;
                if (_reliable) timeout = TimeSpan.FromTicks(_retransmitTimeout.Ticks * ((1L << Math.Min(_attempts, 16)) - 1));
                for (int attempt = 0; attempt < attempts; attempt++)
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
            var nextPeerRefresh = DateTime.UtcNow + PeerRefreshInterval;
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var next = nextAllocationRefresh < nextPeerRefresh ? nextAllocationRefresh : nextPeerRefresh;
                    var wait = next - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
                    if (DateTime.UtcNow >= nextAllocationRefresh)
                    {
                        var response = await RequestAsync(StunMethod.Refresh, b => b.AddLifetime((uint)Lifetime.TotalSeconds), _stop.Token).ConfigureAwait(false);
                        Lifetime = TimeSpan.FromSeconds(response.Lifetime ?? Lifetime.TotalSeconds);
                        nextAllocationRefresh = DateTime.UtcNow + TimeSpan.FromTicks(Lifetime.Ticks / 2);
                    }
                    if (DateTime.UtcNow >= nextPeerRefresh)
                    {
                        await RefreshPeersAsync().ConfigureAwait(false);
                        nextPeerRefresh = DateTime.UtcNow + PeerRefreshInterval;
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (TurnException)
                {
                    // Try again soon; if the allocation really expired, ICE consent fails on it.
                    nextAllocationRefresh = nextPeerRefresh = DateTime.UtcNow + TimeSpan.FromSeconds(5);
                }
            }
        }

        /// <summary>Renews every confirmed channel (and with it its peer's permission), then the permissions no channel covers.</summary>
        private async Task RefreshPeersAsync()
        {
            List<ChannelBinding> channels;
            List<IPAddress> permissions;
            lock (_lock)
            {
                channels = _channelsByPeer.Values.Where(c => c.Confirmed).ToList();
                permissions = _permissions.Where(p => !channels.Any(c => c.Peer.Address.Equals(p))).ToList();
            }
            foreach (var channel in channels)
            {
                await SendChannelBindAsync(channel, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _channelRefreshes);
            }
            foreach (var peer in permissions)
            {
                await CreatePermissionAsync(peer, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _permissionRefreshes);
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

        /// <summary>A channel number and its peer; <see cref="Confirmed"/> once the server answered the ChannelBind.</summary>
        private sealed class ChannelBinding
        {
            public ChannelBinding(ushort number, IPEndPoint peer)
            {
                Number = number;
                Peer = peer;
            }

            public ushort Number { get; }
            public IPEndPoint Peer { get; }
            public bool Confirmed { get; set; }
            public TaskCompletionSource<ushort> Bound { get; } = new TaskCompletionSource<ushort>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
