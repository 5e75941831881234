using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Turn;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using KinesisVideoWebRTCStorage.WebRtc.Mux;
using KinesisVideoWebRTCStorage.WebRtc.Turn;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Ice
{
    /// <summary>Relay-only ICE agents meeting through a real coturn over each transport to the server.</summary>
    public class IceRelayThroughCoturnTests : IClassFixture<CoturnServer>
    {
        private readonly CoturnServer _coturn;

        public IceRelayThroughCoturnTests(CoturnServer coturn)
        {
            _coturn = coturn;
        }

        private static IceAgentOptions RelayOnly(IceRole role) => new IceAgentOptions
        {
            Role = role,
            TransportPolicy = IceTransportPolicy.Relay,
            LoopbackOnly = true,
            IncludeIPv6 = false,
            CheckInterval = TimeSpan.FromMilliseconds(10),
            CheckRetransmitTimeout = TimeSpan.FromMilliseconds(50),
            CheckAttempts = 6,
            ConsentInterval = TimeSpan.FromMilliseconds(200),
            ConsentTimeout = TimeSpan.FromSeconds(5),
        };

        private IceAgentOptions RelayOnly(IceRole role, TurnTransport transport)
        {
            var options = RelayOnly(role);
            options.TurnServers.Add(_coturn.Server(transport));
            options.TurnCertificateValidation = _coturn.ValidateCertificate;
            return options;
        }

        /// <summary>Signals one agent's credentials and trickled candidates to the other, as signaling would.</summary>
        private static void Signal(IceAgent from, IceAgent to)
        {
            to.SetRemoteCredentials(from.LocalCredentials.Ufrag, from.LocalCredentials.Password);
            from.CandidateGathered += c => to.AddRemoteCandidate(IceCandidate.Parse(c.ToAttributeValue()));
            from.GatheringComplete += to.EndOfRemoteCandidates;
        }

        [Theory]
        [InlineData(TurnTransport.Udp)]
        [InlineData(TurnTransport.Tcp)]
        [InlineData(TurnTransport.Tls)]
        public async Task RelayOnlyAgentsConnectThroughCoturnAndExchangeDataOverChannels(TurnTransport transport)
        {
            using var a = new IceAgent(RelayOnly(IceRole.Controlling, transport));
            using var b = new IceAgent(RelayOnly(IceRole.Controlled, transport));
            var atA = new ConcurrentQueue<(PacketKind Kind, byte[] Data)>();
            var atB = new ConcurrentQueue<(PacketKind Kind, byte[] Data)>();
            a.DataReceived += (kind, data, from) => atA.Enqueue((kind, data));
            b.DataReceived += (kind, data, from) => atB.Enqueue((kind, data));
            Signal(a, b);
            Signal(b, a);

            Assert.Empty(a.GatherCandidates()); // relay-only: no host candidate is ever signalled
            Assert.Empty(b.GatherCandidates());
            string Describe() => $"a {a.State} [{string.Join("; ", a.Pairs)}] failures {a.GatheringFailures}\n"
                + $"b {b.State} [{string.Join("; ", b.Pairs)}] failures {b.GatheringFailures}\n{_coturn.Log}";
            await Eventually.True(() => a.State == IceConnectionState.Connected && b.State == IceConnectionState.Connected, 20_000, Describe);

            // LocalCandidates also lists the (never signalled) host sockets the relays are reached through.
            var relayA = a.LocalCandidates.Single(c => c.Type == IceCandidateType.Relayed);
            var relayB = b.LocalCandidates.Single(c => c.Type == IceCandidateType.Relayed);
            Assert.Equal(IceCandidateType.Relayed, a.SelectedPair!.Local.Type);
            Assert.Equal(IceCandidateType.Relayed, b.SelectedPair!.Local.Type);
            Assert.Equal(relayB.EndPoint, a.SelectedPair.RemoteEndPoint);
            Assert.Equal(relayA.EndPoint, b.SelectedPair.RemoteEndPoint);
            // Both relays are on coturn's relay address, never on a port of ours.
            Assert.All(new[] { relayA, relayB }, c => Assert.NotEqual(c.RelatedPort, c.Port));

            // Selecting a relayed pair binds a channel to the peer; from then on data goes as ChannelData both ways.
            var turnA = a.TurnClients.Single();
            var turnB = b.TurnClients.Single();
            await Eventually.True(() => turnA.TryGetChannel(relayB.EndPoint!, out _) && turnB.TryGetChannel(relayA.EndPoint!, out _), 10_000, Describe);
            long sentA = turnA.ChannelDataSent, sentB = turnB.ChannelDataSent;
            long receivedA = turnA.ChannelDataReceived, receivedB = turnB.ChannelDataReceived;
            atA.Clear();
            atB.Clear();
            for (int i = 0; i < 10; i++)
            {
                a.Send(new byte[] { 22, 0xFE, 0xFD, (byte)i });
                b.Send(new byte[] { 0x80, 96, 0, (byte)i, 1, 2, 3 });
            }
            await Eventually.True(() => atA.Count(p => p.Kind == PacketKind.Rtp) == 10 && atB.Count(p => p.Kind == PacketKind.Dtls) == 10, 10_000, Describe);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), atB.Where(p => p.Kind == PacketKind.Dtls).Select(p => p.Data[3]).OrderBy(x => x));
            Assert.Equal(new byte[] { 0x80, 96, 0, 9, 1, 2, 3 }, atA.Last(p => p.Kind == PacketKind.Rtp).Data);
            Assert.True(turnA.ChannelDataSent - sentA >= 10);
            Assert.True(turnB.ChannelDataSent - sentB >= 10);
            Assert.True(turnA.ChannelDataReceived - receivedA >= 10);
            Assert.True(turnB.ChannelDataReceived - receivedB >= 10);
            Assert.Equal(0, turnA.Dropped);
            Assert.Equal(0, turnB.Dropped);
            Assert.Equal(0, a.ContainedErrors);
            Assert.Equal(0, b.ContainedErrors);
        }

        [Fact]
        public async Task RelayOnlyAgentWaitsForItsRelayWhenThePeerEndedCandidatesFirst()
        {
            // The peer's candidates and end-of-candidates arrive before our TLS allocation is done: with no pair yet,
            // the agent must not give up while the relay is still on its way.
            using var a = new IceAgent(RelayOnly(IceRole.Controlling, TurnTransport.Tls));
            var optionsB = RelayOnly(IceRole.Controlled);
            optionsB.TransportPolicy = IceTransportPolicy.All;
            using var b = new IceAgent(optionsB);
            var states = new ConcurrentQueue<IceConnectionState>();
            a.StateChanged += states.Enqueue;
            Signal(a, b);
            a.SetRemoteCredentials(b.LocalCredentials.Ufrag, b.LocalCredentials.Password);
            foreach (var host in b.GatherCandidates()) a.AddRemoteCandidate(host);
            a.EndOfRemoteCandidates();
            a.GatherCandidates(); // starts the ticks, which see no pair while the relay is still being allocated
            await Eventually.True(() => a.State == IceConnectionState.Connected && b.State == IceConnectionState.Connected, 20_000,
                () => $"a {a.State} [{string.Join("; ", a.Pairs)}] b {b.State}\n{_coturn.Log}");
            Assert.DoesNotContain(IceConnectionState.Failed, states);
            Assert.Equal(IceCandidateType.Relayed, a.SelectedPair!.Local.Type);
        }

        [Theory]
        [InlineData(TurnTransport.Udp)]
        [InlineData(TurnTransport.Tcp)]
        [InlineData(TurnTransport.Tls)]
        public async Task RelayOnlyAgentFailsInBoundedTimeWhenTheTurnServerIsUnreachable(TurnTransport transport)
        {
            // UDP: a socket that never answers; TCP: a port nobody listens on; TLS: a server that accepts and then says nothing.
            using var silentUdp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var silentTls = new TcpListener(IPAddress.Loopback, 0);
            silentTls.Start();
            int closedPort;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
            }
            int port = transport switch
            {
                TurnTransport.Udp => ((IPEndPoint)silentUdp.Client.LocalEndPoint!).Port,
                TurnTransport.Tcp => closedPort,
                _ => ((IPEndPoint)silentTls.LocalEndpoint).Port,
            };
            try
            {
                var options = RelayOnly(IceRole.Controlling);
                options.TurnServers.Add(new TurnServer(new IPEndPoint(IPAddress.Loopback, port), transport, "user", "secret-never-used"));
                options.TurnConnectTimeout = TimeSpan.FromSeconds(1);
                using var agent = new IceAgent(options);
                var failed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                agent.StateChanged += s =>
                {
                    if (s == IceConnectionState.Failed) failed.TrySetResult(true);
                };
                var clock = Stopwatch.StartNew();
                Assert.Empty(agent.GatherCandidates());
                agent.SetRemoteCredentials("peer", "peerpeerpeerpeerpeerpeer");
                agent.AddRemoteCandidate(IceCandidate.Parse("candidate:1 1 udp 2130706431 127.0.0.1 9 typ host"));

                // UDP gives up after 50+100+...+3200 ms of retransmissions (6.35 s); the streams after 1 s or at once.
                await failed.Task.WaitAsync(TimeSpan.FromSeconds(20));
                Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
                Assert.Equal(IceConnectionState.Failed, agent.State);
                Assert.Equal(1, agent.GatheringFailures);
                Assert.DoesNotContain(agent.LocalCandidates, c => c.Type == IceCandidateType.Relayed);
                Assert.Empty(agent.Pairs);
            }
            finally
            {
                silentTls.Stop();
            }
        }
    }
}
