using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Dtls
{
    public class DtlsSessionTests
    {
        private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate();

        [Fact]
        public void CertificateIsReusedAndFingerprintIsSdpForm()
        {
            Assert.Same(DtlsCertificate.Shared, DtlsCertificate.Shared);
            var fingerprint = DtlsCertificate.Shared.Fingerprint;
            Assert.Equal("sha-256", fingerprint.Algorithm);
            Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", fingerprint.DigestText);
            Assert.True(fingerprint.Matches(DtlsFingerprint.Compute("sha-256", DtlsCertificate.Shared.Der)!));
            Assert.False(fingerprint.Matches(ServerCertificate.Fingerprint));
        }

        [Theory]
        [InlineData(DtlsRole.Client)]
        [InlineData(DtlsRole.Server)]
        public async Task HandshakeOverLossyLinkExportsTheSameKeys(DtlsRole firstRole)
        {
            // Lose the first datagram each way (ClientHello or the first of the server's flight) and a later one A to B,
            // so the handshake only completes if retransmission works.
            var link = new LossyLink(dropAToB: new[] { 0, 3 }, dropBToA: new[] { 0 });
            DtlsRole secondRole = firstRole == DtlsRole.Client ? DtlsRole.Server : DtlsRole.Client;
            var ours = DtlsCertificate.Shared;
            var first = DtlsSession.HandshakeAsync(firstRole, link.A, ours, ServerCertificate.Fingerprint);
            var second = DtlsSession.HandshakeAsync(secondRole, link.B, ServerCertificate, ours.Fingerprint);
            using var a = await first.WaitAsync(TimeSpan.FromSeconds(60));
            using var b = await second.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(SrtpProtectionProfile.AeadAes128Gcm, a.Profile); // preferred by both sides
            Assert.Equal(a.Profile, b.Profile);
            Assert.Equal(16, a.SrtpKeys.LocalKey.Length);
            Assert.Equal(12, a.SrtpKeys.LocalSalt.Length);
            Assert.Equal(a.SrtpKeys.LocalKey.ToArray(), b.SrtpKeys.RemoteKey.ToArray());
            Assert.Equal(a.SrtpKeys.LocalSalt.ToArray(), b.SrtpKeys.RemoteSalt.ToArray());
            Assert.Equal(a.SrtpKeys.RemoteKey.ToArray(), b.SrtpKeys.LocalKey.ToArray());
            Assert.Equal(a.SrtpKeys.ClientWriteKey.ToArray(), b.SrtpKeys.ClientWriteKey.ToArray());
            Assert.NotEqual(a.SrtpKeys.ClientWriteKey.ToArray(), a.SrtpKeys.ServerWriteKey.ToArray());
            Assert.True(a.RemoteFingerprint.Matches(ServerCertificate.Fingerprint));
            Assert.True(b.RemoteFingerprint.Matches(ours.Fingerprint));
            Assert.Equal(3, link.Dropped);
        }

        [Theory]
        [InlineData(DtlsRole.Client)]
        [InlineData(DtlsRole.Server)]
        public async Task WrongFingerprintFailsWithMismatch(DtlsRole role)
        {
            var link = new LossyLink();
            var impostor = DtlsCertificate.Generate();
            DtlsRole other = role == DtlsRole.Client ? DtlsRole.Server : DtlsRole.Client;
            // We expect ServerCertificate but the peer presents the impostor's.
            var ours = DtlsSession.HandshakeAsync(role, link.A, DtlsCertificate.Shared, ServerCertificate.Fingerprint, timeout: TimeSpan.FromSeconds(10));
            var theirs = DtlsSession.HandshakeAsync(other, link.B, impostor, DtlsCertificate.Shared.Fingerprint, timeout: TimeSpan.FromSeconds(10));
            var error = await Assert.ThrowsAsync<DtlsFingerprintMismatchException>(() => ours.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.True(error.Actual!.Matches(impostor.Fingerprint));
            Assert.Contains(ServerCertificate.Fingerprint.DigestText, error.Message);
            await Assert.ThrowsAnyAsync<Exception>(() => theirs.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        [Fact]
        public async Task CancellationStopsAHandshakeWithNoPeer()
        {
            var link = new LossyLink(dropAll: true);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var handshake = DtlsSession.HandshakeAsync(DtlsRole.Client, link.A, DtlsCertificate.Shared, ServerCertificate.Fingerprint, cancel.Token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handshake.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        [Fact]
        public async Task DisposeSendsCloseNotify()
        {
            var link = new LossyLink();
            var alerts = new ConcurrentBag<byte[]>();
            var client = DtlsSession.HandshakeAsync(DtlsRole.Client, link.A, DtlsCertificate.Shared, ServerCertificate.Fingerprint);
            var server = DtlsSession.HandshakeAsync(DtlsRole.Server, link.B, ServerCertificate, DtlsCertificate.Shared.Fingerprint);
            var a = await client.WaitAsync(TimeSpan.FromSeconds(30));
            using var b = await server.WaitAsync(TimeSpan.FromSeconds(30));
            var closed = new TaskCompletionSource<bool>();
            b.RemoteClosed += () => closed.TrySetResult(true);
            link.Tap = d => alerts.Add(d);
            a.Dispose();
            Assert.True(await closed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Contains(alerts, d => DtlsRecordHeader.ParseDatagram(d).Any(r => r.ContentType == DtlsRecordHeader.Alert));
            Assert.True(link.A.IsClosed);
        }

        [Fact]
        public async Task ServerNegotiatesDtls12WithADtls13CapableClientHello()
        {
            var link = new LossyLink();
            var sent = new ConcurrentBag<string>();
            link.Tap = d => sent.Add(Convert.ToHexString(d));
            var serverTask = DtlsSession.HandshakeAsync(DtlsRole.Server, link.B, ServerCertificate, DtlsCertificate.Shared.Fingerprint);
            var context = new DtlsSrtpContext(DtlsCertificate.Shared, ServerCertificate.Fingerprint, 30_000);
            var client = new Dtls13CapableClient(context);
            var transport = await Task.Run(() => new Org.BouncyCastle.Tls.DtlsClientProtocol().Connect(client, link.A))
                .WaitAsync(TimeSpan.FromSeconds(30));
            using var server = await serverTask.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(Org.BouncyCastle.Tls.ProtocolVersion.DTLSv12, client.NegotiatedVersion);
            Assert.Contains(sent, d => d.Contains("002B000504FEFCFEFD")); // the ClientHello really offered DTLS 1.3
            Assert.Equal(context.Keys!.ClientWriteKey.ToArray(), server.SrtpKeys.ClientWriteKey.ToArray());
            transport.Close();
        }

        /// <summary>
        /// The ClientHello Chromium 156 really sent when we answered passive (captured from an interop run): 1413 bytes
        /// offering DTLS 1.3 (supported_versions FEFC, FEFD) with an X25519MLKEM768 key share of 1216 bytes, so it
        /// comes as two handshake fragments in two datagrams. The server must reassemble it, in either order, and
        /// answer with a DTLS 1.2 ServerHello that picks an SRTP profile.
        /// </summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task ServerAnswersChromiumsTwoDatagramPostQuantumClientHelloWithDtls12(bool secondFragmentFirst)
        {
            var fragments = new[] { 1, 2 }.Select(n => File.ReadAllBytes(Corpus.Files("dtls").Single(f => f.EndsWith($"chromium156-client-hello-dtls13-{n}of2.bin")))).ToList();
            Assert.Contains("002B000504FEFCFEFD", Convert.ToHexString(fragments[1])); // it really offers DTLS 1.3
            Assert.Contains("003304EA04E811EC04C0", Convert.ToHexString(fragments[0])); // with a post-quantum key share
            if (secondFragmentFirst) fragments.Reverse();

            var replies = new BlockingCollection<byte[]>();
            using var bridge = new DtlsDatagramBridge(replies.Add);
            using var stop = new CancellationTokenSource();
            var server = DtlsSession.HandshakeAsync(DtlsRole.Server, bridge, ServerCertificate, DtlsCertificate.Shared.Fingerprint, stop.Token);
            foreach (var fragment in fragments) bridge.Deliver(fragment);

            Assert.True(replies.TryTake(out var flight, TimeSpan.FromSeconds(30)), "the server did not answer the ClientHello");
            var record = DtlsRecordHeader.ParseDatagram(flight).First();
            Assert.Equal(DtlsRecordHeader.Handshake, record.ContentType);
            var body = flight.AsSpan(DtlsRecordHeader.Length);
            Assert.Equal(2, body[0]); // ServerHello
            var serverHello = body.Slice(12);
            Assert.Equal(new byte[] { 0xFE, 0xFD }, serverHello.Slice(0, 2).ToArray()); // DTLS 1.2
            int suiteAt = 2 + 32 + 1 + serverHello[2 + 32];
            Assert.Equal(0xC02B, (serverHello[suiteAt] << 8) | serverHello[suiteAt + 1]); // ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, Chromium's first 1.2 suite
            var extensions = new System.Collections.Generic.Dictionary<int, string>();
            var rest = serverHello.Slice(suiteAt + 3 + 2, (serverHello[suiteAt + 3] << 8) | serverHello[suiteAt + 4]);
            while (rest.Length >= 4)
            {
                int length = (rest[2] << 8) | rest[3];
                extensions[(rest[0] << 8) | rest[1]] = Convert.ToHexString(rest.Slice(4, length).ToArray());
                rest = rest.Slice(4 + length);
            }
            Assert.Equal("0002000700", extensions[0x000E]); // use_srtp: SRTP_AEAD_AES_128_GCM (Chromium offers it), no MKI
            Assert.False(extensions.ContainsKey(0x002B), "a supported_versions extension would claim DTLS 1.3");

            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        [Theory]
        [InlineData(new[] { 2 }, SrtpProtectionProfile.Aes128CmHmacSha1_32)]
        [InlineData(new[] { 1, 2 }, SrtpProtectionProfile.Aes128CmHmacSha1_80)]
        [InlineData(new[] { 8, 7, 1, 2 }, SrtpProtectionProfile.AeadAes128Gcm)] // Chromium's order: ours decides, GCM-128 first
        [InlineData(new[] { 8, 1 }, SrtpProtectionProfile.AeadAes256Gcm)]
        public async Task ServerPicksAProfileWeSupportFromTheClientsList(int[] offered, SrtpProtectionProfile expected)
        {
            var link = new LossyLink();
            var serverTask = DtlsSession.HandshakeAsync(DtlsRole.Server, link.B, ServerCertificate, DtlsCertificate.Shared.Fingerprint);
            var context = new DtlsSrtpContext(DtlsCertificate.Shared, ServerCertificate.Fingerprint, 30_000);
            var transport = await Task.Run(() => new Org.BouncyCastle.Tls.DtlsClientProtocol()
                .Connect(new ProfileClient(context, offered), link.A)).WaitAsync(TimeSpan.FromSeconds(30));
            using var server = await serverTask.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(expected, server.Profile);
            Assert.Equal(expected, context.Keys!.Profile);
            Assert.Equal(context.Keys.ServerWriteKey.ToArray(), server.SrtpKeys.LocalKey.ToArray());
            transport.Close();
        }

        [Fact]
        public async Task HandshakeFailsWithoutACommonSrtpProfile()
        {
            var link = new LossyLink();
            var serverTask = DtlsSession.HandshakeAsync(DtlsRole.Server, link.B, ServerCertificate, DtlsCertificate.Shared.Fingerprint,
                timeout: TimeSpan.FromSeconds(5));
            var context = new DtlsSrtpContext(DtlsCertificate.Shared, ServerCertificate.Fingerprint, 1_000);
            var client = Task.Run(() => new Org.BouncyCastle.Tls.DtlsClientProtocol()
                .Connect(new ProfileClient(context, new[] { 5, 6 }), link.A)); // SRTP_NULL_HMAC_SHA1_80 and _32: never ours
            await Assert.ThrowsAsync<IOException>(() => serverTask.WaitAsync(TimeSpan.FromSeconds(30)));
            await Assert.ThrowsAnyAsync<Exception>(() => client.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        /// <summary>A client offering its own list of SRTP protection profiles.</summary>
        private sealed class ProfileClient : DtlsSrtpClient
        {
            private readonly int[] _profiles;

            public ProfileClient(DtlsSrtpContext context, int[] profiles) : base(context)
            {
                _profiles = profiles;
            }

            public override System.Collections.Generic.IDictionary<int, byte[]> GetClientExtensions()
            {
                var extensions = base.GetClientExtensions();
                extensions.Remove(Org.BouncyCastle.Tls.ExtensionType.use_srtp);
                DtlsSrtpContext.AddUseSrtp(extensions, _profiles);
                return extensions;
            }
        }

        /// <summary>A client whose ClientHello carries what Chromium's does when DTLS 1.3 is enabled.</summary>
        private sealed class Dtls13CapableClient : DtlsSrtpClient
        {
            public Dtls13CapableClient(DtlsSrtpContext context) : base(context)
            {
            }

            public Org.BouncyCastle.Tls.ProtocolVersion? NegotiatedVersion { get; private set; }

            public override System.Collections.Generic.IDictionary<int, byte[]> GetClientExtensions()
            {
                var extensions = base.GetClientExtensions();
                extensions[43] = new byte[] { 4, 0xFE, 0xFC, 0xFE, 0xFD }; // supported_versions: DTLS 1.3, DTLS 1.2
                var keyShare = new byte[2 + 4 + 32];
                keyShare[1] = 36;
                keyShare[3] = 0x1D; // x25519
                keyShare[5] = 32;
                extensions[51] = keyShare; // key_share
                extensions[45] = new byte[] { 1, 1 }; // psk_key_exchange_modes
                extensions[0xFE0D] = new byte[] { 1, 2, 3 }; // an extension nobody knows
                return extensions;
            }

            public override void NotifyServerVersion(Org.BouncyCastle.Tls.ProtocolVersion serverVersion)
            {
                base.NotifyServerVersion(serverVersion);
                NegotiatedVersion = serverVersion;
            }
        }
    }
}
