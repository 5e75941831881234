using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Dtls;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.PeerConnection
{
    /// <summary>
    /// A connected call attacked on the wire by someone on the same host, who sees every datagram and can write any
    /// source port, the legitimate peer's included: forged STUN checks, replayed and forged SRTP, and a flood of DTLS
    /// ClientHellos (some announcing 16 MB handshake messages) from thousands of ports. Each attack is dropped and
    /// counted, memory stays bounded, and the call goes on to deliver every frame of the media sent after it.
    /// </summary>
    [Collection(ProcessMemoryCollection.Name)]
    public sealed class HostileWireTests
    {
        private static readonly TimeSpan PatternLength = TimeSpan.FromSeconds(2); // the test pattern: 60 frames at 30 fps
        private readonly ITestOutputHelper output;

        public HostileWireTests(ITestOutputHelper output) => this.output = output;

        [RawUdpFact]
        public async Task ReplayedAndForgedSrtpFromThePeersOwnPortIsDroppedAndCountedAndLaterMediaArrivesWhole()
        {
            using var call = new LoopbackCall(LoopbackCall.Configuration());
            await call.ConnectAsync();
            var (ingestPort, storagePort) = Ports(call);
            using var wire = new RawUdpWire();

            var capturing = wire.CaptureAsync(ingestPort, storagePort, IsSrtp, count: 40, within: TimeSpan.FromSeconds(15));
            int sent = await SendPatternAndAwaitAllAsync(call, 0, TimeSpan.Zero);
            var captured = await capturing;

            // Each captured packet three times more, from the peer's own address: replays.
            foreach (var packet in captured)
                for (int i = 0; i < 3; i++) wire.Send(ingestPort, storagePort, packet);
            // Each again with its sequence number moved ahead, so its tag no longer verifies. Had a forgery moved the
            // replay window before its tag was checked, the genuine packets sent next would be dropped as too old.
            int forged = 0;
            foreach (var packet in captured)
            {
                byte[] copy = (byte[])packet.Clone();
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(2), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(copy.AsSpan(2)) + 500 + forged));
                wire.Send(ingestPort, storagePort, copy);
                forged++;
            }
            await Eventually.True(() => Transport(call).SrtpReplaysDropped >= 3 * captured.Count && Transport(call).SrtpAuthenticationFailures >= forged,
                describe: () => Describe(Transport(call)));

            sent = await SendPatternAndAwaitAllAsync(call, sent, PatternLength);
            var transport = Transport(call);
            output.WriteLine(Describe(transport));
            Assert.Equal(3 * captured.Count, transport.SrtpReplaysDropped);
            Assert.Equal(forged, transport.SrtpAuthenticationFailures);
            Assert.Equal(RtcPeerConnectionState.Connected, call.Storage.ConnectionState);
            Assert.Equal(sent, call.Received.Count(f => f.Kind == MediaTrackKind.Video));
        }

        [RawUdpFact]
        public async Task ForgedStunChecksGetNoAnswerAndAClientHelloFloodFromSpoofedPortsCostsNoMemory()
        {
            using var call = new LoopbackCall(LoopbackCall.Configuration());
            await call.ConnectAsync();
            var (ingestPort, storagePort) = Ports(call);
            using var wire = new RawUdpWire();
            int sent = await SendPatternAndAwaitAllAsync(call, 0, TimeSpan.Zero);

            // Checks with the right user names and the wrong password: from a port of the attacker's own, and from the
            // peer's. Neither may be answered, or a forged check could learn or move the call's addresses.
            string username = Ufrag(call.Storage.LocalDescription) + ":" + Ufrag(call.Ingest.LocalDescription);
            var transactions = new List<byte[]>();
            byte[] Check()
            {
                byte[] transaction = StunMessageBuilder.NewTransactionId();
                transactions.Add(transaction);
                return new StunMessageBuilder(StunMessageType.BindingRequest, transaction).AddUsername(username).AddPriority(1).AddIceControlled(1)
                    .AddMessageIntegrity(StunCredentials.ShortTermKey("not-the-password-of-this")).AddFingerprint().ToArray();
            }
            using var attacker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var answers = wire.CaptureAsync(storagePort, ingestPort, p => p.Length >= 20 && transactions.Any(t => p.AsSpan(8, 12).SequenceEqual(t)),
                count: 1, within: TimeSpan.FromSeconds(2));
            for (int i = 0; i < 50; i++)
            {
                attacker.Send(Check(), new IPEndPoint(IPAddress.Loopback, storagePort));
                wire.Send(ingestPort, storagePort, Check());
            }
            await Assert.ThrowsAsync<TimeoutException>(() => answers); // nothing answered to the peer's port
            Assert.Equal(0, attacker.Available); // nor to the attacker's
            await Eventually.True(() => Transport(call).StunBadIntegrityDropped == 100, describe: () => Describe(Transport(call)));

            // ClientHellos from 4000 ports that never passed a check, half of them announcing 16 MB handshake
            // messages; then 400 of both kinds from the peer's own port, into the established DTLS association.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetTotalMemory(forceFullCollection: true);
            int flood = 0;
            for (int port = 30_000; port < 34_000; port++)
            {
                if (port == ingestPort || port == storagePort) continue;
                wire.Send(port, storagePort, ClientHello(oversized: port % 2 == 0, sequence: port));
                if (++flood % 200 == 0) await Task.Delay(5); // as fast as a loaded receiver drains, so the kernel keeps them
            }
            for (int i = 0; i < 400; i++)
            {
                wire.Send(ingestPort, storagePort, ClientHello(oversized: i % 2 == 0, sequence: i));
                if (i % 100 == 99) await Task.Delay(5);
            }
            await Eventually.True(() => Transport(call).UnauthenticatedDataDropped >= flood * 9 / 10, describe: () => Describe(Transport(call)));
            await Task.Delay(200); // the last of the peer's-port records through the DTLS engine
            long after = GC.GetTotalMemory(forceFullCollection: true);

            await SendPatternAndAwaitAllAsync(call, sent, PatternLength);
            var transport = Transport(call);
            output.WriteLine($"{Describe(transport)}; managed heap {before / 1024} KiB before the flood, {after / 1024} KiB after");
            Assert.True(after - before < 2 << 20, $"the managed heap grew by {(after - before) / 1024} KiB over a flood of {flood + 400} ClientHellos");
            Assert.Equal(RtcPeerConnectionState.Connected, call.Storage.ConnectionState);
            Assert.Equal(RtcPeerConnectionState.Connected, call.Ingest.ConnectionState);
        }

        /// <summary>A DTLS 1.2 ClientHello record, whole, or a first fragment of a message that claims 16 MB.</summary>
        private static byte[] ClientHello(bool oversized, int sequence)
        {
            byte[] body = new byte[100];
            new Random(sequence).NextBytes(body);
            body[0] = 0xFE; // client_version DTLS 1.2
            body[1] = 0xFD;
            return PlaintextHandshakeRecord.Build(messageType: 1, oversized ? 0xFF_FFFF : body.Length, messageSequence: 0, offset: 0, body, (uint)sequence);
        }

        /// <summary>
        /// Sends the test pattern from media time <paramref name="after"/> and waits until the storage side has rebuilt
        /// every video frame sent so far; returns how many that is.
        /// </summary>
        private static async Task<int> SendPatternAndAwaitAllAsync(LoopbackCall call, int videoSentBefore, TimeSpan after)
        {
            int total = videoSentBefore + (await call.SendTestPatternAsync(after: after)).Video;
            await Eventually.True(() => call.VideoIn.FramesReceived == total,
                describe: () => $"{call.VideoIn.FramesReceived} of {total} frames; {Describe(Transport(call))}");
            return total;
        }

        /// <summary>SRTP, not SRTCP: RFC 5761 puts RTCP packet types 192-223 in the second byte.</summary>
        private static bool IsSrtp(byte[] packet) => packet.Length > 12 && packet[0] >= 128 && packet[0] <= 191 && (packet[1] < 192 || packet[1] > 223);

        private static RtcTransportStats Transport(LoopbackCall call) => call.Storage.GetStats().Transport;

        private static string Describe(RtcTransportStats t) =>
            $"STUN bad integrity {t.StunBadIntegrityDropped}, unauthenticated {t.UnauthenticatedDataDropped}, SRTP replays {t.SrtpReplaysDropped}, "
            + $"auth failures {t.SrtpAuthenticationFailures}, malformed {t.SrtpMalformedDropped}";

        /// <summary>The ingest's and the storage side's ports, from the ingest's selected pair "host 127.0.0.1:A -> host 127.0.0.1:B".</summary>
        private static (int Ingest, int Storage) Ports(LoopbackCall call)
        {
            string pair = call.Ingest.GetStats().SelectedCandidatePair ?? "";
            var match = Regex.Match(pair, @":(\d+) -> \S+ [^ ]*:(\d+)$");
            Assert.True(match.Success, $"no ports in the selected pair '{pair}'");
            return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        }

        private static string Ufrag(string? description) =>
            Regex.Match(description ?? "", @"a=ice-ufrag:(\S+)") is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no ice-ufrag in " + description);
    }
}
