using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using KinesisVideoWebRTCStorage.WebRtc.Mux;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Turn;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Ice
{
    public class IceAgentTests
    {
        private static IceAgentOptions Options(IceRole role, IceNominationMode nomination = IceNominationMode.Regular) => new IceAgentOptions
        {
            Role = role,
            Nomination = nomination,
            LoopbackOnly = true,
            IncludeIPv6 = false,
            CheckInterval = TimeSpan.FromMilliseconds(10),
            CheckRetransmitTimeout = TimeSpan.FromMilliseconds(50),
            CheckAttempts = 5, // 50+100+200+400+800 ms: generous enough for a loaded build machine
            ConsentInterval = TimeSpan.FromMilliseconds(100),
            ConsentTimeout = TimeSpan.FromMilliseconds(1000),
        };

        private static void Exchange(IceAgent from, IceAgent to, bool candidates = true)
        {
            to.SetRemoteCredentials(from.LocalCredentials.Ufrag, from.LocalCredentials.Password);
            if (!candidates) return;
            foreach (var candidate in from.GatherCandidates()) to.AddRemoteCandidate(IceCandidate.Parse(candidate.ToAttributeValue()));
            to.EndOfRemoteCandidates();
        }

        private static async Task Connect(IceAgent a, IceAgent b)
        {
            a.GatherCandidates();
            b.GatherCandidates();
            Exchange(a, b);
            Exchange(b, a);
            await Eventually.True(() => a.State == IceConnectionState.Connected && b.State == IceConnectionState.Connected);
        }

        [Theory]
        [InlineData(IceNominationMode.Regular)]
        [InlineData(IceNominationMode.Aggressive)]
        public async Task TwoAgentsConnectOverLoopbackAndExchangeData(IceNominationMode nomination)
        {
            using var a = new IceAgent(Options(IceRole.Controlling, nomination));
            using var b = new IceAgent(Options(IceRole.Controlled, nomination));
            var atB = new ConcurrentQueue<(PacketKind, byte[])>();
            var atA = new ConcurrentQueue<(PacketKind, byte[])>();
            b.DataReceived += (kind, data, from) => atB.Enqueue((kind, data));
            a.DataReceived += (kind, data, from) => atA.Enqueue((kind, data));
            await Connect(a, b);

            Assert.All(a.LocalCandidates, c => Assert.True(IPAddress.IsLoopback(c.EndPoint!.Address)));
            Assert.True(a.SelectedPair!.Nominated);
            Assert.True(b.SelectedPair!.Nominated);
            Assert.Equal(b.LocalCandidates.Single().EndPoint, a.SelectedPair.RemoteEndPoint);

            a.Send(new byte[] { 22, 0xFE, 0xFD, 1 });
            b.Send(new byte[] { 0x80, 96, 0, 1 });
            await Eventually.True(() => atB.Count == 1 && atA.Count == 1);
            Assert.Equal(PacketKind.Dtls, atB.Single().Item1);
            Assert.Equal(new byte[] { 22, 0xFE, 0xFD, 1 }, atB.Single().Item2);
            Assert.Equal(PacketKind.Rtp, atA.Single().Item1);
        }

        [Fact]
        public async Task ConsentKeepsThePairAliveAndItsLossFailsTheAgent()
        {
            // A 2 s consent timeout leaves room for a loaded machine while checks still go out every ~100 ms.
            var optionsA = Options(IceRole.Controlling);
            var optionsB = Options(IceRole.Controlled);
            optionsA.ConsentTimeout = optionsB.ConsentTimeout = TimeSpan.FromSeconds(2);
            using var a = new IceAgent(optionsA);
            var b = new IceAgent(optionsB);
            await Connect(a, b);
            await Task.Delay(3000); // 1.5x the consent timeout
            Assert.Equal(IceConnectionState.Connected, a.State);
            Assert.Equal(IceConnectionState.Connected, b.State);
            Assert.True(a.ConsentResponses >= 5, $"only {a.ConsentResponses} consent responses");
            Assert.True(b.ConsentResponses >= 5, $"only {b.ConsentResponses} consent responses");

            var failed = new TaskCompletionSource<bool>();
            a.StateChanged += s => { if (s == IceConnectionState.Failed) failed.TrySetResult(true); };
            b.Dispose(); // the peer goes silent
            Assert.True(await failed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Throws<InvalidOperationException>(() => b.Send(new byte[] { 0x80 }));
        }

        [Fact]
        public async Task ChecksWithBadIntegrityAreIgnored()
        {
            using var a = new IceAgent(Options(IceRole.Controlled));
            var target = a.GatherCandidates().Single().EndPoint!;
            a.SetRemoteCredentials("peer", "peerpasswordpeerpassword");
            using var attacker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            attacker.Client.ReceiveTimeout = 500;

            byte[] Request(string password) => new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
                .AddUsername(a.LocalCredentials.Ufrag + ":peer").AddPriority(1).AddIceControlling(1).AddUseCandidate()
                .AddMessageIntegrity(StunCredentials.ShortTermKey(password)).AddFingerprint().ToArray();

            byte[] forged = Request("wrong-password-wrong-pwd");
            attacker.Send(forged, forged.Length, target);
            attacker.Send(new byte[] { 22, 0xFE, 0xFD, 0 }, 4, target); // DTLS from an endpoint that never authenticated
            await Eventually.True(() => a.BadIntegrityDropped == 1 && a.UnauthenticatedDataDropped == 1, describe: () => $"bad {a.BadIntegrityDropped} unauth {a.UnauthenticatedDataDropped} malformed {a.MalformedDropped}");
            IPEndPoint? from = null;
            Assert.Throws<SocketException>(() => attacker.Receive(ref from));
            Assert.Empty(a.Pairs);
            attacker.Client.ReceiveTimeout = 10_000;

            // The same request with the right password is answered, so the silence above was the integrity check.
            byte[] genuine = Request(a.LocalCredentials.Password);
            attacker.Send(genuine, genuine.Length, target);
            var response = StunMessage.Parse(attacker.Receive(ref from));
            Assert.Equal(StunMessageType.BindingSuccess, response.Type);
            Assert.True(response.VerifyIntegrity(StunCredentials.ShortTermKey(a.LocalCredentials.Password)));
            Assert.Equal(attacker.Client.LocalEndPoint, response.XorMappedAddress);
            Assert.Equal(IceCandidateType.PeerReflexive, a.Pairs.Single().Remote.Type);
        }

        [Fact]
        public async Task ControlledAgentWithoutRemoteCandidatesConnectsThroughPeerReflexive()
        {
            using var a = new IceAgent(Options(IceRole.Controlling));
            using var b = new IceAgent(Options(IceRole.Controlled));
            a.GatherCandidates();
            b.GatherCandidates();
            Exchange(b, a);
            Exchange(a, b, candidates: false); // A's candidates have not trickled to B yet
            await Eventually.True(() => a.State == IceConnectionState.Connected && b.State == IceConnectionState.Connected);
            Assert.Equal(IceCandidateType.PeerReflexive, b.SelectedPair!.Remote.Type);

            // The late trickled host candidate for the same address replaces the peer-reflexive one without a new pair.
            b.AddRemoteCandidate(a.LocalCandidates.Single());
            Assert.Equal(IceCandidateType.Host, b.Pairs.Single().Remote.Type);
            Assert.Same(b.SelectedPair, b.Pairs.Single());
            b.AddRemoteCandidate(IceCandidate.Parse(a.LocalCandidates.Single().ToAttributeValue()));
            Assert.Single(b.Pairs);
        }

        [Fact]
        public async Task FailsWhenEveryPairFailsAfterEndOfCandidates()
        {
            using var a = new IceAgent(Options(IceRole.Controlling));
            a.GatherCandidates();
            using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)); // bound but never answers
            var port = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
            a.SetRemoteCredentials("peer", "peerpasswordpeerpassword");
            a.AddRemoteCandidate(IceCandidate.Parse($"candidate:1 1 udp 2130706431 127.0.0.1 {port} typ host"));
            a.AddRemoteCandidate(IceCandidate.Parse("candidate:2 1 udp 2130706431 abc.local 9 typ host")); // mDNS: ignored
            a.EndOfRemoteCandidates();
            await Eventually.True(() => a.State == IceConnectionState.Failed);
            Assert.Equal(IceCandidatePairState.Failed, a.Pairs.Single().State);
        }

        [Fact]
        public async Task RoleConflictIsResolved()
        {
            using var a = new IceAgent(Options(IceRole.Controlling));
            using var b = new IceAgent(Options(IceRole.Controlling));
            await Connect(a, b);
            Assert.NotEqual(a.Role, b.Role);
        }

        [Fact]
        public async Task RestartReconnectsWithNewCredentials()
        {
            using var a = new IceAgent(Options(IceRole.Controlling));
            using var b = new IceAgent(Options(IceRole.Controlled));
            await Connect(a, b);
            var oldA = a.LocalCredentials;
            var oldB = b.LocalCredentials;
            var oldSelected = b.SelectedPair;

            var newA = a.Restart();
            var newB = b.Restart();
            Assert.NotEqual(oldA.Ufrag, newA.Ufrag);
            Assert.NotEqual(oldA.Password, newA.Password);
            Assert.Equal(IceConnectionState.Connected, a.State); // media keeps flowing on the old pair meanwhile
            a.Send(new byte[] { 0x80, 0 });

            Exchange(a, b);
            Exchange(b, a);
            await Eventually.True(() => b.SelectedPair != oldSelected && a.Pairs.Any(p => p.Nominated), describe: () => $"a: {string.Join(";", a.Pairs)} sel {a.SelectedPair} b: {string.Join(";", b.Pairs)} sel {b.SelectedPair} bad {a.BadIntegrityDropped}/{b.BadIntegrityDropped}");
            Assert.Equal(IceConnectionState.Connected, b.State);

            // B's old password no longer authenticates checks to B.
            using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            long before = b.BadIntegrityDropped;
            byte[] stale = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
                .AddUsername(b.LocalCredentials.Ufrag + ":" + oldA.Ufrag).AddMessageIntegrity(StunCredentials.ShortTermKey(oldB.Password))
                .AddFingerprint().ToArray();
            probe.Send(stale, stale.Length, b.LocalCandidates.Single().EndPoint!);
            await Eventually.True(() => b.BadIntegrityDropped == before + 1);
        }

        [Fact]
        public async Task RelayOnlyPolicyDropsHostCandidates()
        {
            var options = Options(IceRole.Controlled);
            options.TransportPolicy = IceTransportPolicy.Relay;
            using var relayOnly = new IceAgent(options);
            Assert.Empty(relayOnly.GatherCandidates());
            relayOnly.AddRemoteCandidate(IceCandidate.Parse("candidate:1 1 udp 2130706431 127.0.0.1 9 typ host"));
            Assert.Empty(relayOnly.Pairs);

            using var a = new IceAgent(Options(IceRole.Controlling));
            using var b = new IceAgent(Options(IceRole.Controlled));
            await Connect(a, b);
            a.SetTransportPolicy(IceTransportPolicy.Relay);
            Assert.Empty(a.Pairs);
            Assert.Null(a.SelectedPair);
            Assert.Equal(IceConnectionState.Failed, a.State);
        }

        [Fact]
        public void CredentialsNeverShowThePassword()
        {
            var credentials = IceCredentials.Generate();
            Assert.Equal(24, credentials.Password.Length);
            Assert.DoesNotContain(credentials.Password, credentials.ToString());
            using var agent = new IceAgent(Options(IceRole.Controlled));
            Assert.DoesNotContain(agent.LocalCredentials.Password, agent.ToString());
        }

        [Fact]
        public async Task UnknownComprehensionRequiredAttributesGet420()
        {
            using var a = new IceAgent(Options(IceRole.Controlled));
            var target = a.GatherCandidates().Single().EndPoint!;
            using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            peer.Client.ReceiveTimeout = 2000;
            byte[] request = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
                .AddUsername(a.LocalCredentials.Ufrag + ":peer").Add(0x7777, new byte[] { 1, 2, 3, 4 })
                .AddMessageIntegrity(StunCredentials.ShortTermKey(a.LocalCredentials.Password)).AddFingerprint().ToArray();
            peer.Send(request, request.Length, target);
            IPEndPoint? from = null;
            var response = StunMessage.Parse(peer.Receive(ref from));
            Assert.Equal(StunMessageType.BindingError, response.Type);
            Assert.Equal(StunErrorCode.UnknownAttribute, response.ErrorCode!.Value.Code);
            Assert.True(response.TryGetAttribute(StunAttributeType.UnknownAttributes, out var unknown));
            Assert.Equal(new byte[] { 0x77, 0x77 }, unknown.ToArray());
            Assert.Empty(a.Pairs);
            await Task.CompletedTask;
        }

        [Fact]
        public async Task HostileDatagramsDoNotDisturbAConnectedAgent()
        {
            // The flood can fill b's socket buffer, and on a loaded machine that can last longer than the 1 s consent
            // timeout of the other tests, so the real peer's consent answers are lost on the wire. That is the network
            // at work, not the agent being disturbed, so consent gets a third of the 30 s that RFC 7675 allows.
            var optionsA = Options(IceRole.Controlling);
            var optionsB = Options(IceRole.Controlled);
            optionsA.ConsentTimeout = optionsB.ConsentTimeout = TimeSpan.FromSeconds(10);
            using var a = new IceAgent(optionsA);
            using var b = new IceAgent(optionsB);
            int fromPeer = 0;
            await Connect(a, b);
            var peer = a.LocalCandidates.Single().EndPoint!;
            b.DataReceived += (kind, data, from) => { if (from.Equals(peer)) Interlocked.Increment(ref fromPeer); };
            var target = b.LocalCandidates.Single().EndPoint!;

            byte[] check = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
                .AddUsername(b.LocalCredentials.Ufrag + ":" + a.LocalCredentials.Ufrag).AddPriority(1).AddIceControlling(1).AddUseCandidate()
                .AddMessageIntegrity(StunCredentials.ShortTermKey(b.LocalCredentials.Password)).AddFingerprint().ToArray();
            byte[] response = new StunMessageBuilder(StunMessageType.BindingSuccess, StunMessageBuilder.NewTransactionId())
                .AddXorMappedAddress(target).AddMessageIntegrity(StunCredentials.ShortTermKey(a.LocalCredentials.Password)).AddFingerprint().ToArray();
            var seeds = new[] { check, response, new byte[] { 22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 }, new byte[] { 0x80, 96, 0, 1, 0, 0, 0, 0 } };
            using var attacker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            int sent = 0;
            foreach (var datagram in Fuzz.Mutator.Mutations(seeds, 5000, 8445))
            {
                if (datagram.Length == 0) continue;
                attacker.Send(datagram, datagram.Length, target);
                if (++sent % 200 == 0) await Task.Delay(1);
            }
            await Eventually.True(() => b.MalformedDropped + b.BadIntegrityDropped + b.UnauthenticatedDataDropped > 1000,
                describe: () => $"malformed {b.MalformedDropped} bad {b.BadIntegrityDropped} unauth {b.UnauthenticatedDataDropped}");

            // A few mutations leave the seeds intact, and the check seed carries valid credentials, so the attacker's
            // endpoint may legitimately authenticate; what matters is that the agent keeps working for the real peer.
            Assert.Equal(IceConnectionState.Connected, b.State);
            Assert.Equal(peer, b.SelectedPair!.RemoteEndPoint);
            Assert.Equal(0, b.ContainedErrors);
            a.Send(new byte[] { 0x80, 96, 0, 2 });
            await Eventually.True(() => fromPeer == 1);
        }

        [Fact]
        public async Task ConnectsOverIPv6Loopback()
        {
            var optionsA = Options(IceRole.Controlling);
            var optionsB = Options(IceRole.Controlled);
            optionsA.IncludeIPv6 = optionsB.IncludeIPv6 = true;
            using var a = new IceAgent(optionsA);
            using var b = new IceAgent(optionsB);
            if (!a.GatherCandidates().Any(c => c.EndPoint!.AddressFamily == AddressFamily.InterNetworkV6)) return; // no ::1 on this host
            await Connect(a, b);
            Assert.All(a.Pairs, p => Assert.Equal(p.Local.EndPoint!.AddressFamily, p.RemoteEndPoint.AddressFamily));
            Assert.Equal(4, a.Pairs.Count + b.Pairs.Count);
            Assert.Contains(a.LocalCandidates, c => c.EndPoint!.Address.Equals(IPAddress.IPv6Loopback));
            // Regular nomination settles on the best pair (IPv4 here, gathered first), not merely the first to succeed.
            Assert.Equal(a.Pairs.Max(p => p.Priority(a.Role)), a.SelectedPair!.Priority(a.Role));
            Assert.Same(a.SelectedPair.Local, a.LocalCandidates.First());
        }

        /// <summary>A STUN server on loopback that claims every client sits behind 203.0.113.9 (a documentation address).</summary>
        private static async Task ServeStun(UdpClient server, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                UdpReceiveResult request;
                try
                {
                    request = await server.ReceiveAsync(stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var message = StunMessage.Parse(request.Buffer);
                byte[] response = new StunMessageBuilder(StunMessageType.BindingSuccess, message.TransactionId.Span)
                    .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("203.0.113.9"), request.RemoteEndPoint.Port)).ToArray();
                await server.SendAsync(response, response.Length, request.RemoteEndPoint);
            }
        }

        [Fact]
        public async Task GathersServerReflexiveCandidatesFromAStunServer()
        {
            using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            using var stop = new CancellationTokenSource();
            var serving = ServeStun(server, stop.Token);
            var options = Options(IceRole.Controlled);
            options.StunServers.Add((IPEndPoint)server.Client.LocalEndPoint!);
            using var agent = new IceAgent(options);
            var gathered = new ConcurrentQueue<IceCandidate>();
            var complete = new TaskCompletionSource<bool>();
            agent.CandidateGathered += gathered.Enqueue;
            agent.GatheringComplete += () => complete.TrySetResult(true);

            var host = agent.GatherCandidates().Single();
            Assert.True(await complete.Task.WaitAsync(TimeSpan.FromSeconds(5)));
            var srflx = gathered.Single();
            Assert.Equal(IceCandidateType.ServerReflexive, srflx.Type);
            Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.9"), host.Port), srflx.EndPoint);
            Assert.Equal((host.Address, (int?)host.Port), (srflx.RelatedAddress, srflx.RelatedPort));
            Assert.True(srflx.Priority < host.Priority);
            Assert.Equal(2, agent.LocalCandidates.Count);
            stop.Cancel();
        }

        [Fact]
        public async Task GatheringCompletesWhenTheStunServerIsSilent()
        {
            using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var options = Options(IceRole.Controlled);
            options.StunServers.Add((IPEndPoint)silent.Client.LocalEndPoint!);
            using var agent = new IceAgent(options);
            var complete = new TaskCompletionSource<bool>();
            agent.GatheringComplete += () => complete.TrySetResult(true);
            agent.GatherCandidates();
            Assert.True(await complete.Task.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Single(agent.LocalCandidates);
        }

        [Fact]
        public async Task RelayOnlyAgentConnectsThroughTurn()
        {
            using var turn = new FakeTurnServer("user", "secret");
            var optionsA = Options(IceRole.Controlling);
            optionsA.TransportPolicy = IceTransportPolicy.Relay;
            optionsA.TurnServers.Add(new TurnServer(turn.Address, "user", "secret"));
            using var a = new IceAgent(optionsA);
            using var b = new IceAgent(Options(IceRole.Controlled));
            var relayed = new TaskCompletionSource<IceCandidate>();
            var complete = new TaskCompletionSource<bool>();
            a.CandidateGathered += c => relayed.TrySetResult(c);
            a.GatheringComplete += () => complete.TrySetResult(true);

            Assert.Empty(a.GatherCandidates()); // host candidates stay private
            var candidate = await relayed.Task.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.True(await complete.Task.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(IceCandidateType.Relayed, candidate.Type);
            Assert.NotNull(candidate.RelatedAddress);

            var atA = new ConcurrentQueue<byte[]>();
            var atB = new ConcurrentQueue<byte[]>();
            a.DataReceived += (kind, data, from) => atA.Enqueue(data);
            b.DataReceived += (kind, data, from) => atB.Enqueue(data);
            b.SetRemoteCredentials(a.LocalCredentials.Ufrag, a.LocalCredentials.Password);
            b.AddRemoteCandidate(IceCandidate.Parse(candidate.ToAttributeValue()));
            b.EndOfRemoteCandidates();
            a.SetRemoteCredentials(b.LocalCredentials.Ufrag, b.LocalCredentials.Password);
            foreach (var host in b.GatherCandidates()) a.AddRemoteCandidate(host);
            a.EndOfRemoteCandidates();
            await Eventually.True(() => a.State == IceConnectionState.Connected && b.State == IceConnectionState.Connected,
                describe: () => $"a {a.State} {string.Join(";", a.Pairs)} b {b.State} {string.Join(";", b.Pairs)}");

            Assert.Equal(IceCandidateType.Relayed, a.SelectedPair!.Local.Type);
            Assert.Equal(candidate.EndPoint, b.SelectedPair!.RemoteEndPoint);
            Assert.True(turn.Permissions >= 1);
            // This server refuses ChannelBind: the relay keeps sending Send indications.
            await Eventually.True(() => turn.RefusedChannelBinds >= 1);
            a.Send(new byte[] { 0x80, 1 });
            b.Send(new byte[] { 22, 0xFE, 0xFD });
            await Eventually.True(() => atA.Count == 1 && atB.Count == 1);
            Assert.Equal(new byte[] { 22, 0xFE, 0xFD }, atA.Single());
            Assert.Equal(0, a.TurnClients.Single().ChannelDataSent);
        }

        [Fact]
        public async Task RefusedTurnAllocationStillCompletesGathering()
        {
            using var turn = new FakeTurnServer("user", "secret");
            var options = Options(IceRole.Controlling);
            options.TurnServers.Add(new TurnServer(turn.Address, "user", "wrong"));
            using var agent = new IceAgent(options);
            var complete = new TaskCompletionSource<bool>();
            agent.GatheringComplete += () => complete.TrySetResult(true);
            agent.GatherCandidates();
            Assert.True(await complete.Task.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Equal(1, agent.GatheringFailures);
            Assert.DoesNotContain(agent.LocalCandidates, c => c.Type == IceCandidateType.Relayed);
        }

        [Fact]
        public async Task RestartRecoversAFailedAgent()
        {
            using var a = new IceAgent(Options(IceRole.Controlling));
            using var b = new IceAgent(Options(IceRole.Controlled));
            a.GatherCandidates();
            a.SetRemoteCredentials("gone", "gonegonegonegonegonegone");
            using (var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
            {
                a.AddRemoteCandidate(IceCandidate.Parse($"candidate:1 1 udp 2130706431 127.0.0.1 {((IPEndPoint)silent.Client.LocalEndPoint!).Port} typ host"));
                a.EndOfRemoteCandidates();
                await Eventually.True(() => a.State == IceConnectionState.Failed);
            }

            a.Restart();
            Assert.Equal(IceConnectionState.Checking, a.State);
            Assert.Empty(a.Pairs);
            await Connect(a, b);
            Assert.Equal(b.LocalCandidates.Single().EndPoint, a.SelectedPair!.RemoteEndPoint);
        }
    }
}
