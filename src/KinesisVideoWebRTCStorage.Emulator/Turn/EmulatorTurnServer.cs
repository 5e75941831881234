using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.Emulator.Turn
{
    /// <summary>
    /// The emulator's own TURN server (RFC 8656, the part ICE uses), so that GetIceServerConfig always returns a
    /// working TURN entry as AWS does and relay-only clients connect with no other server. It listens for UDP and TCP
    /// on one port; relays are UDP sockets on the same address. Clients authenticate with the long-term mechanism and
    /// the time-limited REST credentials the control plane issues: an expired username cannot allocate, while an
    /// allocation made in time keeps refreshing with it, which is what clients of the service rely on for hour-long
    /// sessions. Everything a client sends is hostile until checked: malformed messages are dropped and counted,
    /// requests are answered with the RFC's error codes, and allocations, permissions and connections are bounded.
    /// </summary>
    public sealed class EmulatorTurnServer : IAsyncDisposable
    {
        public const string Realm = "kvs-emulator";

        /// <summary>Allocations and TCP connections held at once.</summary>
        public const int MaxAllocations = 256;

        public const int MaxConnections = 256;

        private const byte UdpProtocol = 17;
        private const ushort DontFragment = 0x001A;
        private const ushort RequestedAddressFamily = 0x0017;

        private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);
        private static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);
        private static readonly TimeSpan NonceLifetime = TimeSpan.FromMinutes(10);

        private static readonly HashSet<ushort> Understood = new HashSet<ushort>
        {
            StunAttributeType.Username, StunAttributeType.MessageIntegrity, StunAttributeType.MessageIntegritySha256,
            StunAttributeType.Realm, StunAttributeType.Nonce, StunAttributeType.Lifetime, StunAttributeType.RequestedTransport,
            StunAttributeType.XorPeerAddress, StunAttributeType.ChannelNumber, StunAttributeType.Data, DontFragment, RequestedAddressFamily,
        };

        private readonly object _lock = new object();
        private readonly Dictionary<TurnClientLink, TurnAllocation> _allocations = new Dictionary<TurnClientLink, TurnAllocation>();
        private readonly ConcurrentDictionary<StreamClientLink, TcpClient> _connections = new ConcurrentDictionary<StreamClientLink, TcpClient>();
        private readonly Socket _udp;
        private readonly TcpListener _tcp;
        private readonly IPAddress _address;
        private readonly Action<string>? _log;
        private readonly byte[] _nonceKey = RandomNumberGenerator.GetBytes(32);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly List<Task> _loops = new List<Task>();
        private long _dropped;
        private long _allocationsMade;

        private EmulatorTurnServer(Socket udp, TcpListener tcp, TurnRestCredentials credentials, Action<string>? log)
        {
            _udp = udp;
            _tcp = tcp;
            _address = ((IPEndPoint)udp.LocalEndPoint!).Address;
            Credentials = credentials;
            _log = log;
        }

        /// <summary>Checks the usernames and passwords that GetIceServerConfig hands out.</summary>
        public TurnRestCredentials Credentials { get; }

        public int Port => ((IPEndPoint)_udp.LocalEndPoint!).Port;

        /// <summary>What GetIceServerConfig returns: the server over UDP, then over TCP for networks that block UDP.</summary>
        public IReadOnlyList<string> Uris
        {
            get
            {
                string host = _address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{_address}]" : _address.ToString();
                return new[] { $"turn:{host}:{Port}?transport=udp", $"turn:{host}:{Port}?transport=tcp" };
            }
        }

        /// <summary>A permission's lifetime (RFC 8656 section 9: 300 s); tests shorten it.</summary>
        internal TimeSpan PermissionLifetime { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>A channel binding's lifetime (RFC 8656 section 12: 600 s).</summary>
        internal TimeSpan ChannelLifetime { get; set; } = TimeSpan.FromMinutes(10);

        /// <summary>A TCP connection that has not allocated within this long is closed.</summary>
        internal TimeSpan UnallocatedConnectionTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Messages dropped: neither STUN nor ChannelData, malformed, a bad FINGERPRINT, or nothing to relay them on.</summary>
        public long Dropped => Interlocked.Read(ref _dropped) + AllocationsSnapshot().Sum(a => a.Dropped);

        public int AllocationCount
        {
            get
            {
                lock (_lock) return _allocations.Count;
            }
        }

        public long AllocationsMade => Interlocked.Read(ref _allocationsMade);

        /// <summary>
        /// Listens for UDP and TCP on <paramref name="address"/> and one port number; 0 takes a free one, the same for
        /// both. Throws <see cref="EmulatorStartException"/> when the port is in use.
        /// </summary>
        public static EmulatorTurnServer Start(IPAddress address, int port, TurnRestCredentials credentials, Action<string>? log = null)
        {
            for (int attempt = 1; ; attempt++)
            {
                var tcp = new TcpListener(address, port);
                var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                int chosen = port;
                try
                {
                    tcp.Start(backlog: 64);
                    chosen = ((IPEndPoint)tcp.LocalEndpoint).Port;
                    udp.Bind(new IPEndPoint(address, chosen));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    tcp.Stop();
                    udp.Dispose();
                    // A free TCP port may be taken for UDP; another number will do unless the caller asked for this one.
                    if (port != 0 || attempt == 10)
                        throw new EmulatorStartException($"TURN port {chosen} on {address} is already in use (UDP or TCP). Pass another --turn-port, or 0 to take a free one.", e);
                    continue;
                }
                var server = new EmulatorTurnServer(udp, tcp, credentials, log);
                server._loops.Add(Task.Run(server.ServeUdpAsync));
                server._loops.Add(Task.Run(server.AcceptAsync));
                server._loops.Add(Task.Run(server.ExpireAsync));
                return server;
            }
        }

        private TurnAllocation[] AllocationsSnapshot()
        {
            lock (_lock) return _allocations.Values.ToArray();
        }

        private Task ServeUdpAsync()
        {
            var buffer = new byte[65536];
            return DatagramReceiver.RunAsync(_udp, buffer, (client, length) => Handle(new UdpClientLink(_udp, client), buffer.AsSpan(0, length)), _stop.Token);
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _tcp.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException || e is ObjectDisposedException || e is SocketException)
                {
                    return;
                }
                if (_connections.Count >= MaxConnections)
                {
                    Interlocked.Increment(ref _dropped);
                    client.Dispose();
                    continue;
                }
                client.NoDelay = true;
                var link = new StreamClientLink(client.GetStream(), (IPEndPoint)client.Client.RemoteEndPoint!);
                _connections[link] = client;
                _ = Task.Run(() => ServeStreamAsync(link, client));
            }
        }

        private async Task ServeStreamAsync(StreamClientLink link, TcpClient client)
        {
            var reader = new TurnStreamReader(client.GetStream());
            using var unallocated = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            unallocated.CancelAfter(UnallocatedConnectionTimeout);
            try
            {
                while (!link.Broken)
                {
                    // Until it allocates, a connection has a deadline, so idle sockets cannot pile up.
                    var token = Find(link) == null ? unallocated.Token : _stop.Token;
                    byte[]? message = await reader.ReadAsync(token).ConfigureAwait(false);
                    if (message == null) break;
                    Handle(link, message);
                }
            }
            catch (TurnFormatException)
            {
                // Out of step: a stream cannot be resynchronised, so the connection goes (RFC 8656 section 12.5).
                Interlocked.Increment(ref _dropped);
            }
            catch (Exception e) when (e is OperationCanceledException || e is System.IO.IOException || e is ObjectDisposedException)
            {
            }
            finally
            {
                // A TCP allocation lives as long as its connection (RFC 8656 section 3.1).
                Remove(link, "its connection closed");
                _connections.TryRemove(link, out _);
                client.Dispose();
            }
        }

        private async Task ExpireAsync()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                {
                    var now = DateTime.UtcNow;
                    foreach (var allocation in AllocationsSnapshot())
                    {
                        if (allocation.IsExpired(now)) Remove(allocation.Link, "it expired");
                        else allocation.Expire(now);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private TurnAllocation? Find(TurnClientLink link)
        {
            lock (_lock) return _allocations.TryGetValue(link, out var allocation) ? allocation : null;
        }

        private void Remove(TurnClientLink link, string why)
        {
            TurnAllocation? allocation;
            lock (_lock)
            {
                if (!_allocations.Remove(link, out allocation)) return;
            }
            allocation.Dispose();
            _log?.Invoke($"TURN {allocation} ended: {why} ({allocation.RelayedToPeers} datagrams to peers, {allocation.RelayedToClient} to the client)");
        }

        /// <summary>One datagram or stream message from a client.</summary>
        internal void Handle(TurnClientLink link, ReadOnlySpan<byte> message)
        {
            if (TurnChannelData.LooksLikeChannelData(message))
            {
                RelayChannelData(link, message);
                return;
            }
            if (!StunMessage.IsStun(message))
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            byte[]? response;
            try
            {
                var stun = StunMessage.Parse(message);
                if (stun.HasFingerprint && !stun.VerifyFingerprint()) throw new StunFormatException("bad FINGERPRINT");
                switch (stun.Type.Class)
                {
                    case StunClass.Request:
                        response = Answer(link, stun);
                        break;
                    case StunClass.Indication when stun.Type.Method == StunMethod.Send:
                        RelaySendIndication(link, stun);
                        return;
                    default:
                        Interlocked.Increment(ref _dropped);
                        return;
                }
            }
            catch (StunFormatException)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            link.Send(response);
        }

        private void RelayChannelData(TurnClientLink link, ReadOnlySpan<byte> message)
        {
            var allocation = Find(link);
            ushort channel;
            ReadOnlySpan<byte> data;
            try
            {
                channel = TurnChannelData.Parse(message, out data);
            }
            catch (TurnFormatException)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            if (allocation == null)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            allocation.SendOnChannel(channel, data);
        }

        private void RelaySendIndication(TurnClientLink link, StunMessage indication)
        {
            var allocation = Find(link);
            var peer = indication.XorPeerAddress;
            if (allocation == null || peer == null || !indication.TryGetAttribute(StunAttributeType.Data, out var data))
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            allocation.SendToPeer(data.Span, peer);
        }

        private byte[] Answer(TurnClientLink link, StunMessage request)
        {
            if (request.Type.Method == StunMethod.Binding)
                return Reply(request, StunClass.SuccessResponse).AddXorMappedAddress(link.Remote).AddFingerprint().ToArray();

            var unknown = request.UnknownComprehensionRequired(Understood);
            if (unknown.Count > 0)
                return Reply(request, StunClass.ErrorResponse).AddErrorCode(StunErrorCode.UnknownAttribute, "Unknown Attribute").AddUnknownAttributes(unknown).AddFingerprint().ToArray();

            // Long-term credentials (RFC 8489 section 9.2.4): challenge first, then a fresh nonce, then the MAC.
            bool hasIntegrity = request.HasAttribute(StunAttributeType.MessageIntegrity) || request.HasAttribute(StunAttributeType.MessageIntegritySha256);
            if (!hasIntegrity) return Challenge(request, StunErrorCode.Unauthorized, "Unauthorized");
            string? username = request.Username, realm = request.Realm, nonce = request.Nonce;
            if (username == null || realm == null || nonce == null) return Error(request, 400, "Bad Request: USERNAME, REALM and NONCE go with MESSAGE-INTEGRITY", null);
            if (!IsFresh(nonce)) return Challenge(request, StunErrorCode.StaleNonce, "Stale Nonce");
            byte[] key = StunCredentials.LongTermKey(username, Realm, Credentials.PasswordFor(username));
            if (realm != Realm || !request.VerifyIntegrity(key)) return Challenge(request, StunErrorCode.Unauthorized, "Unauthorized");

            var allocation = Find(link);
            if (allocation != null && allocation.Username != username) return Error(request, 441, "Wrong Credentials", null);
            switch (request.Type.Method)
            {
                case StunMethod.Allocate: return Allocate(link, request, allocation, username, key);
                case StunMethod.Refresh: return Refresh(link, request, allocation, key);
                case StunMethod.CreatePermission: return CreatePermission(request, allocation, key);
                case StunMethod.ChannelBind: return BindChannel(request, allocation, key);
                default: return Error(request, 400, "Bad Request: not a TURN method", key);
            }
        }

        private byte[] Allocate(TurnClientLink link, StunMessage request, TurnAllocation? existing, string username, byte[] key)
        {
            if (existing != null)
            {
                // A retransmitted Allocate gets its answer again; a new one on the same 5-tuple is a mismatch.
                return existing.AllocateTransaction.AsSpan().SequenceEqual(request.TransactionId.Span)
                    ? Allocated(request, existing, key)
                    : Error(request, 437, "Allocation Mismatch", key);
            }
            if (TurnRestCredentials.ExpiryOf(username) is not DateTimeOffset expiry || expiry <= DateTimeOffset.UtcNow)
                return Challenge(request, StunErrorCode.Unauthorized, "Unauthorized: the credentials have expired; get new ones from GetIceServerConfig");
            if (!request.TryGetAttribute(StunAttributeType.RequestedTransport, out var transport) || transport.Length != 4)
                return Error(request, 400, "Bad Request: REQUESTED-TRANSPORT is missing", key);
            if (transport.Span[0] != UdpProtocol) return Error(request, 442, "Unsupported Transport Protocol", key);
            if (request.TryGetAttribute(RequestedAddressFamily, out var family) && (family.Length < 1 || family.Span[0] != FamilyCode(_address)))
                return Error(request, 440, "Address Family not Supported", key);

            TurnAllocation allocation;
            lock (_lock)
            {
                if (_allocations.Count >= MaxAllocations) return Error(request, 486, "Allocation Quota Reached", key);
                var relay = new Socket(_address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    relay.Bind(new IPEndPoint(_address, 0));
                }
                catch (SocketException)
                {
                    relay.Dispose();
                    return Error(request, 508, "Insufficient Capacity", key);
                }
                allocation = new TurnAllocation(link, relay, (IPEndPoint)relay.LocalEndPoint!, username, request.TransactionId.Span,
                    DesiredLifetime(request), PermissionLifetime, ChannelLifetime);
                _allocations[link] = allocation;
            }
            allocation.Start();
            Interlocked.Increment(ref _allocationsMade);
            _log?.Invoke($"TURN {allocation} made for {allocation.Lifetime.TotalSeconds:0} s");
            return Allocated(request, allocation, key);
        }

        private static byte FamilyCode(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)0x02 : (byte)0x01;

        private static byte[] Allocated(StunMessage request, TurnAllocation allocation, byte[] key) =>
            Reply(request, StunClass.SuccessResponse)
                .AddXorAddress(StunAttributeType.XorRelayedAddress, allocation.RelayedAddress)
                .AddLifetime((uint)allocation.Lifetime.TotalSeconds)
                .AddXorMappedAddress(allocation.Link.Remote)
                .AddMessageIntegrity(key).AddFingerprint().ToArray();

        /// <summary>RFC 8656 section 7.2: at least the default, at most the maximum; Refresh with 0 deletes.</summary>
        private static TimeSpan DesiredLifetime(StunMessage request)
        {
            var requested = TimeSpan.FromSeconds(request.Lifetime ?? DefaultLifetime.TotalSeconds);
            if (requested > MaxLifetime) return MaxLifetime;
            return requested < DefaultLifetime ? DefaultLifetime : requested;
        }

        private byte[] Refresh(TurnClientLink link, StunMessage request, TurnAllocation? allocation, byte[] key)
        {
            if (allocation == null) return Error(request, 437, "Allocation Mismatch", key);
            if (request.Lifetime == 0)
            {
                Remove(link, "the client released it");
                return Reply(request, StunClass.SuccessResponse).AddLifetime(0).AddMessageIntegrity(key).AddFingerprint().ToArray();
            }
            allocation.Refresh(DesiredLifetime(request));
            return Reply(request, StunClass.SuccessResponse).AddLifetime((uint)allocation.Lifetime.TotalSeconds).AddMessageIntegrity(key).AddFingerprint().ToArray();
        }

        private byte[] CreatePermission(StunMessage request, TurnAllocation? allocation, byte[] key)
        {
            if (allocation == null) return Error(request, 437, "Allocation Mismatch", key);
            var peers = request.XorPeerAddresses;
            if (peers.Count == 0) return Error(request, 400, "Bad Request: XOR-PEER-ADDRESS is missing", key);
            if (peers.Any(p => p.AddressFamily != _address.AddressFamily)) return Error(request, 443, "Peer Address Family Mismatch", key);
            foreach (var peer in peers)
                if (!allocation.Permit(peer.Address)) return Error(request, 508, "Insufficient Capacity", key);
            return Reply(request, StunClass.SuccessResponse).AddMessageIntegrity(key).AddFingerprint().ToArray();
        }

        private byte[] BindChannel(StunMessage request, TurnAllocation? allocation, byte[] key)
        {
            if (allocation == null) return Error(request, 437, "Allocation Mismatch", key);
            if (!request.TryGetAttribute(StunAttributeType.ChannelNumber, out var value) || value.Length != 4)
                return Error(request, 400, "Bad Request: CHANNEL-NUMBER is missing", key);
            ushort number = (ushort)((value.Span[0] << 8) | value.Span[1]);
            if (!TurnChannelData.IsValidChannel(number)) return Error(request, 400, $"Bad Request: channel 0x{number:X4} is outside 0x4000-0x4FFF", key);
            var peer = request.XorPeerAddress;
            if (peer == null) return Error(request, 400, "Bad Request: XOR-PEER-ADDRESS is missing", key);
            if (peer.AddressFamily != _address.AddressFamily) return Error(request, 443, "Peer Address Family Mismatch", key);
            string? refused = allocation.BindChannel(number, peer);
            return refused == null
                ? Reply(request, StunClass.SuccessResponse).AddMessageIntegrity(key).AddFingerprint().ToArray()
                : Error(request, 400, "Bad Request: " + refused, key);
        }

        private static StunMessageBuilder Reply(StunMessage request, StunClass @class) =>
            new StunMessageBuilder(new StunMessageType(request.Type.Method, @class), request.TransactionId.Span);

        private static byte[] Error(StunMessage request, int code, string reason, byte[]? key)
        {
            var builder = Reply(request, StunClass.ErrorResponse).AddErrorCode(code, reason);
            if (key != null) builder.AddMessageIntegrity(key);
            return builder.AddFingerprint().ToArray();
        }

        private byte[] Challenge(StunMessage request, int code, string reason) =>
            Reply(request, StunClass.ErrorResponse).AddErrorCode(code, reason).AddRealm(Realm).AddNonce(NewNonce()).AddFingerprint().ToArray();

        /// <summary>A nonce that carries its own expiry and a MAC over it, so none need be remembered.</summary>
        private string NewNonce()
        {
            string expiry = (DateTimeOffset.UtcNow + NonceLifetime).ToUnixTimeSeconds().ToString("x", CultureInfo.InvariantCulture);
            return expiry + "." + NonceMac(expiry);
        }

        private bool IsFresh(string nonce)
        {
            int dot = nonce.IndexOf('.');
            if (dot <= 0 || dot > 16) return false;
            string expiry = nonce.Substring(0, dot);
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(nonce.Substring(dot + 1)), Encoding.ASCII.GetBytes(NonceMac(expiry)))) return false;
            return long.TryParse(expiry, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long seconds)
                && seconds > DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        }

        private string NonceMac(string expiry)
        {
            using var hmac = new HMACSHA256(_nonceKey);
            return Convert.ToHexString(hmac.ComputeHash(Encoding.ASCII.GetBytes(expiry)), 0, 12).ToLowerInvariant();
        }

        public async ValueTask DisposeAsync()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            _tcp.Stop();
            _udp.Dispose();
            foreach (var client in _connections.Values) client.Dispose();
            try
            {
                await Task.WhenAll(_loops).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            foreach (var allocation in AllocationsSnapshot()) Remove(allocation.Link, "the emulator is stopping");
        }
    }
}
