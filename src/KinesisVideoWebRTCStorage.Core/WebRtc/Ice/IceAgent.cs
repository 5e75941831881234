using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Mux;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>
    /// A full ICE agent (RFC 8445) for one component over UDP host, server-reflexive and relayed candidates (TURN over
    /// UDP, TCP or TLS, with channels for the selected peer), as WebRTC uses it with BUNDLE and rtcp-mux:
    /// connectivity checks with short-term credentials, regular or aggressive nomination, role-conflict repair, trickle
    /// in both directions, ICE restart and consent freshness (RFC 7675). STUN is consumed here; DTLS and RTP/RTCP from
    /// endpoints that have proven the ICE credentials are raised through <see cref="DataReceived"/>.
    /// </summary>
    public sealed class IceAgent : IDisposable
    {
        /// <summary>Comprehension-required attributes a Binding request may carry that we process (RFC 8445 section 7.1).</summary>
        private static readonly HashSet<ushort> UnderstoodRequestAttributes = new HashSet<ushort>
        {
            StunAttributeType.Username, StunAttributeType.MessageIntegrity, StunAttributeType.MessageIntegritySha256,
            StunAttributeType.Priority, StunAttributeType.UseCandidate,
        };

        private readonly object _lock = new object();
        private readonly IceAgentOptions _options;
        private readonly List<IceSocket> _sockets = new List<IceSocket>();

        /// <summary>Host sockets and relays: everything a local candidate of a pair can send through.</summary>
        private readonly List<IIceTransport> _transports = new List<IIceTransport>();

        /// <summary>
        /// TURN clients, with the host socket a UDP client shares so that the socket's datagrams from the server reach it;
        /// clients over TCP or TLS (no host socket) get their messages from their connection in <see cref="_turnConnections"/>.
        /// </summary>
        private readonly List<(IceSocket? Host, TurnClient Client)> _turnClients = new List<(IceSocket?, TurnClient)>();
        private readonly List<TurnStreamConnection> _turnConnections = new List<TurnStreamConnection>();
        private readonly List<IceCandidate> _serverReflexive = new List<IceCandidate>();
        private readonly List<IceCandidate> _remoteCandidates = new List<IceCandidate>();
        private readonly List<IceCandidatePair> _pairs = new List<IceCandidatePair>();
        private readonly Dictionary<string, Transaction> _transactions = new Dictionary<string, Transaction>();
        private readonly HashSet<IPEndPoint> _authenticated = new HashSet<IPEndPoint>();
        private readonly Queue<(IceCandidatePair Pair, bool Nominate)> _triggered = new Queue<(IceCandidatePair, bool)>();
        private readonly ulong _tieBreaker;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly SemaphoreSlim _wake = new SemaphoreSlim(0, 1);
        private readonly Random _jitter = new Random();
        private IceCredentials? _remoteCredentials;
        private IceTransportPolicy _policy;
        private bool _remoteEndOfCandidates;
        private int _pendingGathering;
        private bool _restarting;
        private DateTime? _firstValid;
        private IceCandidatePair? _selected;
        private IIceTransport? _selectedTransport;
        private DateTime _nextConsent;
        private IceConnectionState _state = IceConnectionState.New;
        private Task? _timer;
        private long _badIntegrity;
        private long _malformed;
        private long _unauthenticatedData;
        private long _consentResponses;
        private long _containedErrors;
        private long _gatheringFailures;

        public IceAgent(IceAgentOptions? options = null)
        {
            _options = options ?? new IceAgentOptions();
            Role = _options.Role;
            _policy = _options.TransportPolicy;
            LocalCredentials = IceCredentials.Generate();
            var bytes = new byte[8];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            _tieBreaker = BitConverter.ToUInt64(bytes, 0);
        }

        public IceCredentials LocalCredentials { get; private set; }
        public IceRole Role { get; private set; }
        public IceConnectionState State { get { lock (_lock) return _state; } }
        public IceCandidatePair? SelectedPair { get { lock (_lock) return _selected; } }
        public IReadOnlyList<IceCandidate> LocalCandidates
        {
            get { lock (_lock) return _transports.Select(s => s.Candidate).Concat(_serverReflexive).ToList(); }
        }
        public IReadOnlyList<IceCandidatePair> Pairs { get { lock (_lock) return _pairs.ToList(); } }

        /// <summary>STUN requests or responses dropped because USERNAME or MESSAGE-INTEGRITY did not check out.</summary>
        public long BadIntegrityDropped => Interlocked.Read(ref _badIntegrity);

        public long MalformedDropped => Interlocked.Read(ref _malformed);

        /// <summary>Non-STUN datagrams from endpoints that never proved the ICE credentials.</summary>
        public long UnauthenticatedDataDropped => Interlocked.Read(ref _unauthenticatedData);

        public long ConsentResponses => Interlocked.Read(ref _consentResponses);

        /// <summary>
        /// Exceptions from event handlers or from processing a datagram or timer tick. They are contained and counted so
        /// that they cannot stop the receive and timer loops; a non-zero value is worth a bug report.
        /// </summary>
        public long ContainedErrors => Interlocked.Read(ref _containedErrors);

        /// <summary>TURN allocations that were refused or timed out.</summary>
        public long GatheringFailures => Interlocked.Read(ref _gatheringFailures);

        /// <summary>The TURN clients behind the relayed candidates, whose counters show how data was relayed.</summary>
        internal IReadOnlyList<TurnClient> TurnClients
        {
            get { lock (_lock) return _turnClients.Select(t => t.Client).ToList(); }
        }

        /// <summary>Bounds what a misbehaving signaling peer can make us check.</summary>
        public const int MaxRemoteCandidates = 64;

        /// <summary>Raised outside the agent's lock; handlers must not block for long.</summary>
        public event Action<IceConnectionState>? StateChanged;

        public event IceDataHandler? DataReceived;

        /// <summary>A server-reflexive or relayed candidate learned after <see cref="GatherCandidates"/> returned; trickle it.</summary>
        public event Action<IceCandidate>? CandidateGathered;

        /// <summary>Every STUN and TURN server answered or timed out: signal end-of-candidates.</summary>
        public event Action? GatheringComplete;

        /// <summary>
        /// Binds one UDP socket per usable local address (only loopback with <see cref="IceAgentOptions.LoopbackOnly"/>)
        /// and returns those host candidates to signal. Server-reflexive candidates from
        /// <see cref="IceAgentOptions.StunServers"/> and relayed ones from <see cref="IceAgentOptions.TurnServers"/> follow
        /// through <see cref="CandidateGathered"/>, then <see cref="GatheringComplete"/> says when to signal
        /// end-of-candidates. Under the relay-only policy only relayed candidates are signalled, and if gathering ends
        /// without one, the agent fails (it could never connect). Calling again returns the
        /// same host candidates.
        /// </summary>
        public IReadOnlyList<IceCandidate> GatherCandidates()
        {
            var events = new List<Action>();
            var hosts = GatherLocked(events);
            Raise(events);
            return hosts;
        }

        private IReadOnlyList<IceCandidate> GatherLocked(List<Action> events)
        {
            lock (_lock)
            {
                if (_state == IceConnectionState.Closed) throw new ObjectDisposedException(nameof(IceAgent));
                if (_sockets.Count > 0) return _policy == IceTransportPolicy.Relay ? new List<IceCandidate>() : _sockets.Select(s => s.Candidate).ToList();
                var addresses = IceHostAddresses.Find(_options.LoopbackOnly, _options.IncludeIPv6);
                for (int i = 0; i < addresses.Count; i++)
                {
                    var socket = IceSocket.TryBind(addresses[i], i);
                    if (socket == null) continue;
                    _sockets.Add(socket);
                    _transports.Add(socket);
                    socket.StartReceiving(OnDatagram, () => _stop.IsCancellationRequested);
                }
                _timer ??= Task.Run(TimerLoop);
                foreach (var remote in _remoteCandidates) AddPairs(remote);
                _pendingGathering++; // held until every request below is out, so completion cannot fire early
                for (int i = 0; i < _options.TurnServers.Count; i++) StartRelay(_options.TurnServers[i], i);
                var now = DateTime.UtcNow;
                if (_policy != IceTransportPolicy.Relay)
                    foreach (var server in _options.StunServers)
                        foreach (var socket in _sockets.Where(s => s.AddressFamily == server.AddressFamily))
                            SendServerBinding(socket, server, now);
                GatheringDone(events);
                return _policy == IceTransportPolicy.Relay ? new List<IceCandidate>() : _sockets.Select(s => s.Candidate).ToList();
            }
        }

        public void SetRemoteCredentials(string ufrag, string password)
        {
            var events = new List<Action>();
            lock (_lock)
            {
                _remoteCredentials = new IceCredentials(ufrag, password);
                if (_state == IceConnectionState.New) SetState(IceConnectionState.Checking, events);
                Wake();
            }
            Raise(events);
        }

        /// <summary>
        /// Adds a trickled or SDP candidate at any time. mDNS, TCP and non-RTP-component candidates are ignored. The
        /// transport policy does not filter remote candidates: under relay-only our relay reaches any of them.
        /// </summary>
        public void AddRemoteCandidate(IceCandidate candidate)
        {
            lock (_lock)
            {
                if (candidate.EndPoint == null || candidate.Transport != "udp" || candidate.Component != 1) return;
                var known = _remoteCandidates.FirstOrDefault(c => c.EndPoint!.Equals(candidate.EndPoint));
                if (known != null)
                {
                    // A signalled candidate supersedes the peer-reflexive one its checks taught us (RFC 8445 section
                    // 7.3.1.3), so pair priorities use its real type.
                    if (known.Type != IceCandidateType.PeerReflexive) return;
                    _remoteCandidates[_remoteCandidates.IndexOf(known)] = candidate;
                    foreach (var pair in _pairs.Where(p => p.Remote == known)) pair.Remote = candidate;
                    return;
                }
                if (_remoteCandidates.Count >= MaxRemoteCandidates) return;
                _remoteCandidates.Add(candidate);
                AddPairs(candidate);
            }
        }

        /// <summary>The peer signalled end-of-candidates: once every pair has failed, the agent fails.</summary>
        public void EndOfRemoteCandidates()
        {
            lock (_lock) _remoteEndOfCandidates = true;
        }

        /// <summary>
        /// ICE restart (RFC 8445 section 9): new local credentials, remote credentials and candidates forgotten. The
        /// selected pair keeps carrying media until checks with the new credentials select a pair again; a failed agent
        /// goes back to checking.
        /// </summary>
        public IceCredentials Restart()
        {
            var events = new List<Action>();
            try
            {
                return RestartLocked(events);
            }
            finally
            {
                Raise(events);
            }
        }

        private IceCredentials RestartLocked(List<Action> events)
        {
            lock (_lock)
            {
                if (_state == IceConnectionState.Closed) throw new ObjectDisposedException(nameof(IceAgent));
                if (_state == IceConnectionState.Failed) SetState(IceConnectionState.Checking, events);
                LocalCredentials = IceCredentials.Generate();
                _remoteCredentials = null;
                _remoteCandidates.Clear();
                _pairs.Clear();
                foreach (var key in _transactions.Where(t => t.Value.Kind != TransactionKind.ServerBinding).Select(t => t.Key).ToList()) _transactions.Remove(key);
                _triggered.Clear();
                _remoteEndOfCandidates = false;
                _restarting = true;
                _firstValid = null;
                Wake();
                return LocalCredentials;
            }
        }

        /// <summary>Switches to relay-only (or back): pairs whose local candidate is not relayed are dropped.</summary>
        public void SetTransportPolicy(IceTransportPolicy policy)
        {
            var events = new List<Action>();
            lock (_lock)
            {
                _policy = policy;
                if (policy != IceTransportPolicy.Relay) return;
                _pairs.RemoveAll(p => p.Local.Type != IceCandidateType.Relayed);
                _triggered.Clear();
                foreach (var key in _transactions.Where(t => t.Value.Pair != null && !_pairs.Contains(t.Value.Pair)).Select(t => t.Key).ToList()) _transactions.Remove(key);
                if (_selected != null && !_pairs.Contains(_selected))
                {
                    _selected = null;
                    _selectedTransport = null;
                    SetState(_pairs.Count == 0 ? IceConnectionState.Failed : IceConnectionState.Checking, events);
                }
            }
            Raise(events);
        }

        /// <summary>Sends a datagram (DTLS, SRTP, SRTCP) on the selected pair.</summary>
        public void Send(byte[] datagram) => Send(datagram, datagram.Length);

        /// <summary>Sends <c>buffer[..length]</c> on the selected pair; host sockets send it without a copy.</summary>
        public void Send(byte[] buffer, int length)
        {
            IIceTransport? transport;
            IPEndPoint? to;
            lock (_lock)
            {
                transport = _selectedTransport;
                to = _selected?.RemoteEndPoint;
            }
            if (transport == null || to == null) throw new InvalidOperationException("ICE has no selected candidate pair.");
            if (transport is IceSocket socket) socket.Send(buffer, length, to);
            else transport.Send(length == buffer.Length ? buffer : buffer.AsSpan(0, length).ToArray(), to);
        }

        private void AddPairs(IceCandidate remote)
        {
            var endpoint = remote.EndPoint!;
            foreach (var transport in _transports)
            {
                if (transport.AddressFamily != endpoint.AddressFamily) continue;
                if (_policy == IceTransportPolicy.Relay && transport.Candidate.Type != IceCandidateType.Relayed) continue;
                if (_pairs.Any(p => p.Local == transport.Candidate && p.RemoteEndPoint.Equals(endpoint))) continue;
                _pairs.Add(new IceCandidatePair(transport.Candidate, remote, endpoint));
                (transport as IceRelayTransport)?.EnsurePermission(endpoint.Address);
                Wake();
            }
        }

        private void OnDatagram(IceSocket socket, byte[] datagram, IPEndPoint from) => Contain(() => Demultiplex(socket, datagram, from));

        private void Demultiplex(IceSocket socket, byte[] datagram, IPEndPoint from)
        {
            TurnClient? turn;
            IceRelayTransport? relay;
            lock (_lock)
            {
                turn = _turnClients.FirstOrDefault(t => t.Host == socket && t.Client.Server.Equals(from)).Client;
                relay = _transports.OfType<IceRelayTransport>().FirstOrDefault(r => r.Client == turn);
            }
            if (turn != null && turn.TryHandle(datagram, out var data, out var peer))
            {
                // What the peer sent to our relayed address, unwrapped from a Data indication.
                if (data != null && relay != null) OnTransportDatagram(relay, data, peer!);
                return;
            }
            OnTransportDatagram(socket, datagram, from);
        }

        private void OnTransportDatagram(IIceTransport socket, byte[] datagram, IPEndPoint from)
        {
            try
            {
                PacketKind kind = PacketClassifier.Classify(datagram);
                if (kind == PacketKind.Stun)
                {
                    HandleStun(socket, datagram, from);
                    return;
                }
                bool known;
                lock (_lock) known = _authenticated.Contains(from);
                if ((kind == PacketKind.Dtls || kind == PacketKind.Rtp) && known) DataReceived?.Invoke(kind, datagram, from);
                else Interlocked.Increment(ref _unauthenticatedData);
            }
            catch (StunFormatException)
            {
                Interlocked.Increment(ref _malformed);
            }
        }

        private void HandleStun(IIceTransport socket, byte[] datagram, IPEndPoint from)
        {
            var message = StunMessage.Parse(datagram);
            // ICE requires FINGERPRINT on checks (RFC 8445 section 7.2.2); plain STUN servers may leave it out of responses,
            // which integrity or the transaction id vouch for instead.
            bool fingerprintOk = message.HasFingerprint ? message.VerifyFingerprint() : message.Type.Class != StunClass.Request;
            if (!fingerprintOk || message.Type.Method != StunMethod.Binding)
            {
                Interlocked.Increment(ref _malformed);
                return;
            }
            var events = new List<Action>();
            lock (_lock)
            {
                if (message.Type.Class == StunClass.Request) HandleRequest(socket, message, from, events);
                else if (message.Type.Class == StunClass.SuccessResponse || message.Type.Class == StunClass.ErrorResponse) HandleResponse(socket, message, from, events);
            }
            Raise(events);
        }

        private void HandleRequest(IIceTransport socket, StunMessage request, IPEndPoint from, List<Action> events)
        {
            // Under relay-only, host sockets are not candidates; answering on them would reveal what the policy hides.
            if (_policy == IceTransportPolicy.Relay && socket.Candidate.Type != IceCandidateType.Relayed) return;
            byte[] localKey = StunCredentials.ShortTermKey(LocalCredentials.Password);
            string? username = request.Username;
            if (username == null || !username.StartsWith(LocalCredentials.Ufrag + ":", StringComparison.Ordinal) || !request.VerifyIntegrity(localKey))
            {
                Interlocked.Increment(ref _badIntegrity);
                return;
            }

            var unknown = request.UnknownComprehensionRequired(UnderstoodRequestAttributes);
            if (unknown.Count > 0)
            {
                socket.Send(BuildErrorResponse(request, StunErrorCode.UnknownAttribute, "Unknown Attribute", localKey, unknown), from);
                return;
            }

            // Role conflict repair, RFC 8445 section 7.3.1.1: the larger tie-breaker controls.
            ulong? theirControlling = request.IceControlling, theirControlled = request.IceControlled;
            if (Role == IceRole.Controlling && theirControlling.HasValue)
            {
                if (_tieBreaker >= theirControlling.Value)
                {
                    socket.Send(BuildErrorResponse(request, StunErrorCode.RoleConflict, "Role Conflict", localKey), from);
                    return;
                }
                Role = IceRole.Controlled;
            }
            else if (Role == IceRole.Controlled && theirControlled.HasValue)
            {
                if (_tieBreaker < theirControlled.Value)
                {
                    socket.Send(BuildErrorResponse(request, StunErrorCode.RoleConflict, "Role Conflict", localKey), from);
                    return;
                }
                Role = IceRole.Controlling;
            }

            socket.Send(new StunMessageBuilder(StunMessageType.BindingSuccess, request.TransactionId.Span)
                .AddXorMappedAddress(from).AddMessageIntegrity(localKey).AddFingerprint().ToArray(), from);
            _authenticated.Add(from);

            var remote = _remoteCandidates.FirstOrDefault(c => c.EndPoint!.Equals(from));
            if (remote == null)
            {
                if (_remoteCandidates.Count >= MaxRemoteCandidates) return;
                // A peer-reflexive candidate learned from the check itself (RFC 8445 section 7.3.1.3).
                remote = new IceCandidate("prflx" + _remoteCandidates.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, "udp",
                    request.Priority ?? 0, from.Address.ToString(), from.Port, IceCandidateType.PeerReflexive);
                _remoteCandidates.Add(remote);
            }
            var pair = _pairs.FirstOrDefault(p => p.Local == socket.Candidate && p.RemoteEndPoint.Equals(from));
            if (pair == null)
            {
                pair = new IceCandidatePair(socket.Candidate, remote, from);
                _pairs.Add(pair);
            }
            if (Role == IceRole.Controlled && request.UseCandidate)
            {
                pair.Nominated = true;
                if (pair.State == IceCandidatePairState.Succeeded) Select(pair, events);
            }
            // Triggered check (RFC 8445 section 7.3.1.4), so that the pair becomes valid in our direction too. An
            // in-progress check is superseded: its request may have arrived before the peer could answer it, and waiting
            // for its retransmission would cost up to a second.
            if (pair.State == IceCandidatePairState.Waiting || pair.State == IceCandidatePairState.Failed || pair.State == IceCandidatePairState.InProgress)
            {
                pair.State = IceCandidatePairState.Waiting;
                _triggered.Enqueue((pair, false));
                Wake();
            }
        }

        private void HandleResponse(IIceTransport socket, StunMessage response, IPEndPoint from, List<Action> events)
        {
            string key = Convert.ToBase64String(response.TransactionId.ToArray());
            if (!_transactions.TryGetValue(key, out var transaction)) return;
            if (transaction.Kind == TransactionKind.ServerBinding)
            {
                HandleServerBindingResponse(key, transaction, response, from, events);
                return;
            }
            if (!response.VerifyIntegrity(StunCredentials.ShortTermKey(transaction.RemotePassword!)))
            {
                // A forged or corrupted response must not end the transaction; the retransmission may still succeed.
                Interlocked.Increment(ref _badIntegrity);
                return;
            }
            _transactions.Remove(key);
            var pair = transaction.Pair!;
            // Checks must be symmetric (RFC 8445 section 7.2.5.2.1).
            if (transaction.Socket != socket || !pair.RemoteEndPoint.Equals(from))
            {
                if (!transaction.IsConsent) pair.State = IceCandidatePairState.Failed;
                return;
            }
            _authenticated.Add(from);

            if (response.Type.Class == StunClass.ErrorResponse)
            {
                if (response.ErrorCode?.Code == StunErrorCode.RoleConflict)
                {
                    Role = Role == IceRole.Controlling ? IceRole.Controlled : IceRole.Controlling;
                    pair.State = IceCandidatePairState.Waiting;
                    _triggered.Enqueue((pair, false));
                    Wake();
                }
                else if (!transaction.IsConsent)
                {
                    pair.State = IceCandidatePairState.Failed;
                }
                return;
            }

            pair.LastConsent = DateTime.UtcNow;
            if (transaction.IsConsent)
            {
                Interlocked.Increment(ref _consentResponses);
                return;
            }
            pair.State = IceCandidatePairState.Succeeded;
            if (Role == IceRole.Controlling)
            {
                if (transaction.UseCandidate)
                {
                    pair.Nominated = true;
                    Select(pair, events);
                }
                else
                {
                    _firstValid ??= DateTime.UtcNow; // regular nomination follows from Tick
                }
            }
            else if (pair.Nominated)
            {
                Select(pair, events);
            }
        }

        /// <summary>
        /// A STUN server's answer (RFC 8445 section 5.1.1.2). It carries no integrity: the random transaction id and the
        /// source address are all that tie it to our request, as for any unauthenticated Binding.
        /// </summary>
        private void HandleServerBindingResponse(string key, Transaction transaction, StunMessage response, IPEndPoint from, List<Action> events)
        {
            if (!transaction.To.Equals(from)) return;
            _transactions.Remove(key);
            IPEndPoint? mapped = response.Type.Class == StunClass.SuccessResponse ? response.XorMappedAddress : null;
            var host = transaction.Socket.Candidate;
            bool isNew = mapped != null && !(mapped.Address.ToString() == host.Address && mapped.Port == host.Port)
                && !_serverReflexive.Any(c => c.Address == mapped.Address.ToString() && c.Port == mapped.Port);
            if (isNew)
            {
                var candidate = new IceCandidate("s" + host.Foundation, 1, "udp",
                    IceCandidate.ComputePriority(IceCandidateType.ServerReflexive, transaction.Socket.LocalPreference, 1),
                    mapped!.Address.ToString(), mapped.Port, IceCandidateType.ServerReflexive, host.Address, host.Port);
                _serverReflexive.Add(candidate);
                events.Add(() => CandidateGathered?.Invoke(candidate));
            }
            GatheringDone(events);
        }

        private void GatheringDone(List<Action> events)
        {
            if (--_pendingGathering != 0) return;
            events.Add(() => GatheringComplete?.Invoke());
            // Under relay-only, no relayed candidate means no pair can ever form: say so now rather than never.
            bool noRelay = !_transports.Any(t => t.Candidate.Type == IceCandidateType.Relayed);
            if (_policy == IceTransportPolicy.Relay && noRelay && (_state == IceConnectionState.New || _state == IceConnectionState.Checking))
                SetState(IceConnectionState.Failed, events);
        }

        /// <summary>
        /// Starts allocating on one TURN server: over UDP through the first host socket of its address family, over TCP
        /// or TLS on a connection of its own. Called under the lock while gathering.
        /// </summary>
        private void StartRelay(TurnServer server, int index)
        {
            if (server.Transport == TurnTransport.Udp)
            {
                var host = _sockets.FirstOrDefault(s => s.AddressFamily == server.Address.AddressFamily);
                if (host == null) return;
                var client = new TurnClient(server, d => host.Send(d, server.Address), _options.CheckRetransmitTimeout);
                _turnClients.Add((host, client));
                _pendingGathering++;
                _ = AllocateRelay(client, null, host.LocalPreference, index);
            }
            else
            {
                var connection = new TurnStreamConnection(server, _options.TurnCertificateValidation, _options.TurnConnectTimeout);
                var client = new TurnClient(server, connection.Send, _options.CheckRetransmitTimeout);
                _turnConnections.Add(connection);
                _turnClients.Add((null, client));
                _pendingGathering++;
                int basePreference = _sockets.FirstOrDefault(s => s.AddressFamily == server.Address.AddressFamily)?.LocalPreference ?? 65535;
                _ = AllocateRelay(client, connection, RelayLocalPreference(server.Transport, basePreference), index);
            }
        }

        /// <summary>
        /// Among relayed candidates, prefer UDP to the server, then TCP, then TLS: each stream adds head-of-line blocking
        /// and TLS also its handshake, so they are the fallbacks for networks that block UDP (RFC 8445 section 5.1.2.1
        /// leaves local preferences to us).
        /// </summary>
        private static int RelayLocalPreference(TurnTransport transport, int basePreference) => transport switch
        {
            TurnTransport.Tcp => basePreference - 0x1000,
            TurnTransport.Tls => basePreference - 0x2000,
            _ => basePreference,
        };

        private async Task AllocateRelay(TurnClient client, TurnStreamConnection? connection, int localPreference, int index)
        {
            var events = new List<Action>();
            try
            {
                if (connection != null)
                    await connection.ConnectAsync(message => Contain(() => OnTurnStreamMessage(client, message)), _stop.Token).ConfigureAwait(false);
                await client.AllocateAsync(_stop.Token).ConfigureAwait(false);
                lock (_lock)
                {
                    if (_state == IceConnectionState.Closed) return;
                    var relayed = client.RelayedAddress!;
                    // RFC 8839 section 5.1: the related address of a relayed candidate is the mapped address.
                    var candidate = new IceCandidate("r" + index.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, "udp",
                        IceCandidate.ComputePriority(IceCandidateType.Relayed, localPreference, 1), relayed.Address.ToString(), relayed.Port,
                        IceCandidateType.Relayed, client.MappedAddress?.Address.ToString(), client.MappedAddress?.Port);
                    _transports.Add(new IceRelayTransport(client, localPreference, candidate));
                    foreach (var remote in _remoteCandidates) AddPairs(remote);
                    events.Add(() => CandidateGathered?.Invoke(candidate));
                }
            }
            catch (Exception e) when (e is TurnException || e is OperationCanceledException)
            {
                Interlocked.Increment(ref _gatheringFailures);
            }
            lock (_lock) GatheringDone(events);
            Raise(events);
        }

        /// <summary>A message from a TURN server over TCP or TLS: responses go to its client, relayed data on to ICE.</summary>
        private void OnTurnStreamMessage(TurnClient client, byte[] message)
        {
            IceRelayTransport? relay;
            lock (_lock) relay = _transports.OfType<IceRelayTransport>().FirstOrDefault(r => r.Client == client);
            if (client.TryHandle(message, out var data, out var peer) && data != null && relay != null) OnTransportDatagram(relay, data, peer!);
        }

        private void SendServerBinding(IceSocket socket, IPEndPoint server, DateTime now)
        {
            byte[] id = StunMessageBuilder.NewTransactionId();
            byte[] datagram = new StunMessageBuilder(StunMessageType.BindingRequest, id).AddFingerprint().ToArray();
            _transactions[Convert.ToBase64String(id)] = new Transaction(TransactionKind.ServerBinding, socket, server, datagram)
            {
                Attempts = 1,
                Timeout = _options.CheckRetransmitTimeout,
                NextSend = now + _options.CheckRetransmitTimeout,
            };
            _pendingGathering++;
            socket.Send(datagram, server);
        }

        private void Select(IceCandidatePair pair, List<Action> events)
        {
            bool better = _selected == null || _restarting || (Role == IceRole.Controlled && pair.Priority(Role) > _selected.Priority(Role));
            if (!better || pair == _selected) return;
            _selected = pair;
            _selectedTransport = TransportOf(pair);
            // Media on a relayed pair goes as ChannelData (4 bytes of overhead instead of 36+) once the channel is bound.
            (_selectedTransport as IceRelayTransport)?.EnsureChannel(pair.RemoteEndPoint);
            _restarting = false;
            pair.LastConsent = DateTime.UtcNow;
            _nextConsent = NextConsentTime();
            SetState(IceConnectionState.Connected, events);
        }

        /// <summary>
        /// Ticks every <see cref="IceAgentOptions.CheckInterval"/> (Ta) while checks are to be sent. Once connected and
        /// idle it sleeps until the next retransmission, consent check or consent expiry, so a long session costs a
        /// wake-up every second or so rather than 50 a second; anything that makes work (<see cref="Wake"/>) ends the
        /// sleep at once, which also sends a triggered check without waiting for the next tick.
        /// </summary>
        private async Task TimerLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                var events = new List<Action>();
                var delay = _options.CheckInterval;
                Contain(() =>
                {
                    lock (_lock)
                    {
                        var now = DateTime.UtcNow;
                        Tick(now, events);
                        delay = NextTickDelay(now);
                    }
                });
                Raise(events);
                try
                {
                    await _wake.WaitAsync(delay, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        /// <summary>The longest the timer sleeps even when nothing is due: a bound should some work ever not wake it.</summary>
        private static readonly TimeSpan MaxIdleTick = TimeSpan.FromSeconds(1);

        private TimeSpan NextTickDelay(DateTime now)
        {
            bool checking = _state != IceConnectionState.Connected || _restarting || _triggered.Count > 0
                || _pairs.Any(p => p.State == IceCandidatePairState.Waiting);
            if (checking) return _options.CheckInterval;
            var next = _nextConsent;
            var expiry = _selected!.LastConsent + _options.ConsentTimeout;
            if (expiry < next) next = expiry;
            foreach (var transaction in _transactions.Values)
                if (transaction.NextSend < next) next = transaction.NextSend;
            var delay = next - now;
            return delay < _options.CheckInterval ? _options.CheckInterval : delay > MaxIdleTick ? MaxIdleTick : delay;
        }

        /// <summary>Ends the timer's sleep: there is a check to send or a pair to consider now.</summary>
        private void Wake()
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // already woken
            }
        }

        private void Tick(DateTime now, List<Action> events)
        {
            if (_state == IceConnectionState.Closed) return;

            foreach (var entry in _transactions.ToList())
            {
                var transaction = entry.Value;
                if (now < transaction.NextSend) continue;
                if (transaction.Attempts >= _options.CheckAttempts)
                {
                    _transactions.Remove(entry.Key);
                    // A superseded check that goes unanswered does not fail a pair its successor made valid.
                    if (transaction.Kind == TransactionKind.Check && transaction.Pair!.State != IceCandidatePairState.Succeeded) transaction.Pair.State = IceCandidatePairState.Failed;
                    else if (transaction.Kind == TransactionKind.ServerBinding) GatheringDone(events);
                    continue;
                }
                transaction.Socket.Send(transaction.Datagram, transaction.To);
                transaction.Attempts++;
                transaction.Timeout = TimeSpan.FromTicks(Math.Min(transaction.Timeout.Ticks * 2, _options.CheckRetransmitTimeout.Ticks * 8));
                transaction.NextSend = now + transaction.Timeout;
            }

            if (_state == IceConnectionState.Failed) return;
            if (Role == IceRole.Controlling && !Aggressive && (_selected == null || _restarting)) NominateBestValidPair(now);
            if (_remoteCredentials != null) StartNextCheck(now);

            if (_selected != null && _state == IceConnectionState.Connected)
            {
                if (now - _selected.LastConsent > _options.ConsentTimeout)
                {
                    SetState(IceConnectionState.Failed, events);
                    return;
                }
                if (now >= _nextConsent && _remoteCredentials != null && !_restarting)
                {
                    SendCheck(_selected, _selectedTransport!, useCandidate: false, isConsent: true, now);
                    _nextConsent = NextConsentTime();
                }
            }

            // Relayed candidates still being allocated may yet form pairs, so gathering must be over too.
            bool exhausted = _remoteEndOfCandidates && _pendingGathering == 0 && _transactions.Count == 0 && _triggered.Count == 0
                && _pairs.All(p => p.State == IceCandidatePairState.Failed);
            if (_state == IceConnectionState.Checking && _selected == null && exhausted) SetState(IceConnectionState.Failed, events);
        }

        /// <summary>
        /// Regular nomination (RFC 8445 section 8.1.1): nominate the best valid pair once no better pair is still being
        /// checked, or once <see cref="IceAgentOptions.NominationDelay"/> has passed since the first pair became valid.
        /// </summary>
        private void NominateBestValidPair(DateTime now)
        {
            if (_firstValid == null || _pairs.Any(p => p.NominationRequested && p.State != IceCandidatePairState.Failed)) return;
            var best = _pairs.Where(p => p.State == IceCandidatePairState.Succeeded).OrderByDescending(p => p.Priority(Role)).FirstOrDefault();
            if (best == null) return;
            bool betterPending = _pairs.Any(p => (p.State == IceCandidatePairState.Waiting || p.State == IceCandidatePairState.InProgress)
                && p.Priority(Role) > best.Priority(Role));
            if (betterPending && now - _firstValid.Value < _options.NominationDelay) return;
            best.NominationRequested = true;
            _triggered.Enqueue((best, true));
        }

        /// <summary>One new check per tick (pacing Ta): a triggered check first, else the best waiting pair.</summary>
        private void StartNextCheck(DateTime now)
        {
            while (_triggered.Count > 0)
            {
                var (pair, nominate) = _triggered.Dequeue();
                if (!_pairs.Contains(pair) || (pair.State == IceCandidatePairState.InProgress && !nominate)) continue;
                SendCheck(pair, TransportOf(pair), nominate || Aggressive, isConsent: false, now);
                return;
            }
            var next = _pairs.Where(p => p.State == IceCandidatePairState.Waiting).OrderByDescending(p => p.Priority(Role)).FirstOrDefault();
            if (next != null) SendCheck(next, TransportOf(next), Aggressive, isConsent: false, now);
        }

        private bool Aggressive => _options.Nomination == IceNominationMode.Aggressive;

        private IIceTransport TransportOf(IceCandidatePair pair) => _transports.First(s => s.Candidate == pair.Local);

        private void SendCheck(IceCandidatePair pair, IIceTransport socket, bool useCandidate, bool isConsent, DateTime now)
        {
            var remote = _remoteCredentials!;
            byte[] id = StunMessageBuilder.NewTransactionId();
            var builder = new StunMessageBuilder(StunMessageType.BindingRequest, id)
                .AddUsername(remote.Ufrag + ":" + LocalCredentials.Ufrag)
                .AddPriority(IceCandidate.ComputePriority(IceCandidateType.PeerReflexive, socket.LocalPreference, 1));
            if (Role == IceRole.Controlling) builder.AddIceControlling(_tieBreaker);
            else builder.AddIceControlled(_tieBreaker);
            bool nominate = useCandidate && Role == IceRole.Controlling;
            if (nominate) builder.AddUseCandidate();
            byte[] datagram = builder.AddMessageIntegrity(StunCredentials.ShortTermKey(remote.Password)).AddFingerprint().ToArray();

            if (!isConsent) pair.State = IceCandidatePairState.InProgress;
            var kind = isConsent ? TransactionKind.Consent : TransactionKind.Check;
            _transactions[Convert.ToBase64String(id)] = new Transaction(kind, socket, pair.RemoteEndPoint, datagram, pair, remote.Password, nominate)
            {
                Attempts = 1,
                Timeout = _options.CheckRetransmitTimeout,
                NextSend = now + _options.CheckRetransmitTimeout,
            };
            socket.Send(datagram, pair.RemoteEndPoint);
        }

        private DateTime NextConsentTime()
        {
            // RFC 7675 section 5.1: randomize the interval by ±20% so checks from many flows do not synchronize.
            double factor = 0.8 + 0.4 * _jitter.NextDouble();
            return DateTime.UtcNow + TimeSpan.FromTicks((long)(_options.ConsentInterval.Ticks * factor));
        }

        private static byte[] BuildErrorResponse(StunMessage request, int code, string reason, byte[] key, IReadOnlyList<ushort>? unknown = null)
        {
            var builder = new StunMessageBuilder(StunMessageType.BindingError, request.TransactionId.Span).AddErrorCode(code, reason);
            if (unknown != null) builder.AddUnknownAttributes(unknown);
            return builder.AddMessageIntegrity(key).AddFingerprint().ToArray();
        }

        private void SetState(IceConnectionState state, List<Action> events)
        {
            if (_state == state) return;
            _state = state;
            events.Add(() => StateChanged?.Invoke(state));
        }

        private void Raise(List<Action> events)
        {
            foreach (var raise in events) Contain(raise);
        }

        private void Contain(Action handler)
        {
            try
            {
                handler();
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _containedErrors);
            }
        }

        public void Dispose()
        {
            var events = new List<Action>();
            lock (_lock)
            {
                if (_state == IceConnectionState.Closed) return;
                SetState(IceConnectionState.Closed, events);
                _stop.Cancel();
                foreach (var (_, client) in _turnClients) client.Dispose(); // deallocate while the sockets can still send
                foreach (var connection in _turnConnections) connection.Dispose(); // sends what is queued, then closes
                foreach (var socket in _sockets) socket.Dispose();
                _selected = null;
                _selectedTransport = null;
            }
            Raise(events);
        }

        public override string ToString() => $"ICE agent {LocalCredentials.Ufrag} ({Role}, {State})";

        private enum TransactionKind
        {
            Check,
            Consent,
            ServerBinding,
        }

        /// <summary>An outstanding Binding request: a connectivity check, a consent check, or a query to a STUN server.</summary>
        private sealed class Transaction
        {
            public Transaction(TransactionKind kind, IIceTransport socket, IPEndPoint to, byte[] datagram, IceCandidatePair? pair = null,
                string? remotePassword = null, bool useCandidate = false)
            {
                Kind = kind;
                Socket = socket;
                To = to;
                Datagram = datagram;
                Pair = pair;
                RemotePassword = remotePassword;
                UseCandidate = useCandidate;
            }

            public TransactionKind Kind { get; }
            public IIceTransport Socket { get; }
            public IPEndPoint To { get; }
            public byte[] Datagram { get; }
            public IceCandidatePair? Pair { get; }
            public string? RemotePassword { get; }
            public bool UseCandidate { get; }
            public bool IsConsent => Kind == TransactionKind.Consent;
            public int Attempts { get; set; }
            public TimeSpan Timeout { get; set; }
            public DateTime NextSend { get; set; }
        }
    }
}
