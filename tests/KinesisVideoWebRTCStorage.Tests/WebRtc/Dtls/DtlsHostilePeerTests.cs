using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Dtls
{
    /// <summary>
    /// A DTLS peer that gets through signaling controls the certificate we parse. One whose key claims an explicit
    /// characteristic-two curve with a huge m made every BouncyCastle before 2.3.1 compute for as long as it liked
    /// (CVE-2024-29857); it must be refused at once, and the next, legitimate peer must still connect.
    /// </summary>
    public sealed class DtlsHostilePeerTests
    {
        private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate();
        private readonly Xunit.Abstractions.ITestOutputHelper output;

        public DtlsHostilePeerTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

        [Fact]
        public async Task AClientCertificateWithAHugeF2mCurveIsRefusedQuicklyAndALegitimatePeerConnectsAfterIt()
        {
            byte[] rogue = HugeF2mCertificate(out var signingKey);
            // The SDP fingerprint matches, so the server goes on to use the certificate's key, as it would for a peer
            // that announced this certificate in its own offer.
            var link = new LossyLink();
            var watch = Stopwatch.StartNew();
            var server = DtlsSession.HandshakeAsync(DtlsRole.Server, link.B, ServerCertificate, DtlsFingerprint.Compute("sha-256", rogue)!,
                timeout: TimeSpan.FromSeconds(20));
            var context = new DtlsSrtpContext(DtlsCertificate.Shared, ServerCertificate.Fingerprint, 20_000);
            var client = Task.Run(() => new DtlsClientProtocol().Connect(new RogueCertificateClient(context, rogue, signingKey), link.A));
            var refused = await Assert.ThrowsAsync<IOException>(() => server.WaitAsync(TimeSpan.FromSeconds(60)));
            output.WriteLine($"refused in {watch.ElapsedMilliseconds} ms: {refused.Message} <- {refused.InnerException?.InnerException?.Message}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"refusing the certificate took {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains("unsupported_certificate", refused.Message); // BouncyCastle 2.3.1+: "F2m m value out of range"
            await Assert.ThrowsAnyAsync<Exception>(() => client.WaitAsync(TimeSpan.FromSeconds(60)));

            var next = new LossyLink();
            var legitimateServer = DtlsSession.HandshakeAsync(DtlsRole.Server, next.B, ServerCertificate, DtlsCertificate.Shared.Fingerprint);
            var legitimateClient = DtlsSession.HandshakeAsync(DtlsRole.Client, next.A, DtlsCertificate.Shared, ServerCertificate.Fingerprint);
            using var accepted = await legitimateServer.WaitAsync(TimeSpan.FromSeconds(30));
            using var connected = await legitimateClient.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(connected.SrtpKeys.ClientWriteKey.ToArray(), accepted.SrtpKeys.ClientWriteKey.ToArray());
        }

        [Fact]
        public async Task HandshakeFragmentsOfSixteenMegabyteMessagesCostNoMemoryAndTheHandshakeStillCompletes()
        {
            // Someone who can write into the association's 5-tuple answers the server's first flight before the real
            // client does, with first fragments of each client message the server would accept next (message_seq 1 to
            // 16), each announcing 2^24-1 bytes. Reassembling them as announced would take 256 MB.
            var link = new LossyLink();
            int injected = 0;
            link.Tap = datagram =>
            {
                bool serverHello = datagram.Length > 13 && datagram[0] == 22 && datagram[3] == 0 && datagram[4] == 0 && datagram[13] == 2;
                if (!serverHello || Interlocked.Exchange(ref injected, 1) != 0) return;
                for (int sequence = 1; sequence <= 16; sequence++)
                    for (int fragment = 0; fragment < 4; fragment++)
                        link.B.Deliver(HugeFragment(messageSequence: sequence, recordSequence: 1000 + 4 * sequence + fragment, offset: fragment * 100));
            };
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var server = DtlsSession.HandshakeAsync(DtlsRole.Server, link.B, ServerCertificate, DtlsCertificate.Shared.Fingerprint, timeout: TimeSpan.FromSeconds(20));
            var client = DtlsSession.HandshakeAsync(DtlsRole.Client, link.A, DtlsCertificate.Shared, ServerCertificate.Fingerprint, timeout: TimeSpan.FromSeconds(20));
            using var accepted = await server.WaitAsync(TimeSpan.FromSeconds(30));
            using var connected = await client.WaitAsync(TimeSpan.FromSeconds(30));
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            output.WriteLine($"{injected * 64} hostile fragments; {allocated / 1024} KiB allocated by the whole process during the handshake");
            Assert.Equal(1, injected);
            Assert.Equal(64, link.B.DroppedMalformed); // refused by DtlsHandshakeFragment before BouncyCastle saw them
            Assert.Equal(connected.SrtpKeys.ClientWriteKey.ToArray(), accepted.SrtpKeys.ClientWriteKey.ToArray());
            Assert.True(allocated < 32 << 20, $"{allocated >> 20} MB allocated: the announced lengths were believed");
        }

        /// <summary>An epoch-0 handshake record carrying 100 bytes of a Certificate message that claims 2^24-1 bytes.</summary>
        private static byte[] HugeFragment(int messageSequence, int recordSequence, int offset) =>
            PlaintextHandshakeRecord.Build(messageType: 11, messageLength: 0xFF_FFFF, messageSequence, offset, new byte[100], (uint)recordSequence);

        /// <summary>
        /// A self-describing X.509 certificate whose subject key is on an explicit curve over GF(2^m) with m near 2^30,
        /// a trinomial basis; signed with a real P-256 key (WebRTC checks the fingerprint, not the signature).
        /// </summary>
        private static byte[] HugeF2mCertificate(out AsymmetricKeyParameter signingKey)
        {
            var field = new DerSequence(X9ObjectIdentifiers.CharacteristicTwoField,
                new DerSequence(DerInteger.ValueOf(1_073_741_827), X9ObjectIdentifiers.TPBasis, DerInteger.ValueOf(1)));
            var curve = new DerSequence(new DerOctetString(new byte[] { 1 }), new DerOctetString(new byte[] { 1 }));
            var parameters = new DerSequence(DerInteger.ValueOf(1), field, curve, new DerOctetString(new byte[] { 4, 1, 1 }), DerInteger.ValueOf(7), DerInteger.ValueOf(2));
            var key = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, parameters), new byte[] { 4, 1, 1 });

            var generator = new ECKeyPairGenerator("EC");
            generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, new SecureRandom()));
            var signer = generator.GenerateKeyPair();
            signingKey = signer.Private;

            var name = new X509Name("CN=rogue");
            var signature = new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256);
            var tbs = new V3TbsCertificateGenerator();
            tbs.SetSerialNumber(DerInteger.ValueOf(1));
            tbs.SetIssuer(name);
            tbs.SetSubject(name);
            tbs.SetStartDate(new Time(DateTime.UtcNow.AddDays(-1)));
            tbs.SetEndDate(new Time(DateTime.UtcNow.AddDays(1)));
            tbs.SetSubjectPublicKeyInfo(key);
            tbs.SetSignature(signature);
            var body = tbs.GenerateTbsCertificate();
            var sign = SignerUtilities.GetSigner("SHA256WITHECDSA");
            sign.Init(true, signer.Private);
            var encoded = body.GetDerEncoded();
            sign.BlockUpdate(encoded, 0, encoded.Length);
            return new X509CertificateStructure(body, signature, new DerBitString(sign.GenerateSignature())).GetDerEncoded();
        }

        /// <summary>Our client, except that it presents the rogue certificate (and signs with a key of its own).</summary>
        private sealed class RogueCertificateClient : DtlsSrtpClient
        {
            private readonly DtlsSrtpContext _context;
            private readonly byte[] _certificate;
            private readonly AsymmetricKeyParameter _key;

            public RogueCertificateClient(DtlsSrtpContext context, byte[] certificate, AsymmetricKeyParameter key) : base(context)
            {
                _context = context;
                _certificate = certificate;
                _key = key;
            }

            public override TlsAuthentication GetAuthentication() => new Authentication(this);

            private sealed class Authentication : TlsAuthentication
            {
                private readonly RogueCertificateClient _client;

                public Authentication(RogueCertificateClient client) => _client = client;

                public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
                {
                }

                public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
                {
                    var crypto = _client._context.Crypto;
                    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(_client.m_context), crypto, _client._key,
                        new Certificate(new TlsCertificate[] { new BcTlsCertificate(crypto, _client._certificate) }),
                        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                }
            }
        }
    }
}
