using System;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>
    /// A self-signed ECDSA P-256 certificate for DTLS-SRTP. WebRTC authenticates it by the fingerprint in SDP, not by a
    /// chain, so the subject is arbitrary. Generating a key costs milliseconds, so one is made per process and reused.
    /// </summary>
    public sealed class DtlsCertificate
    {
        private static readonly Lazy<DtlsCertificate> SharedInstance = new Lazy<DtlsCertificate>(Generate);

        private DtlsCertificate(X509Certificate certificate, AsymmetricKeyParameter privateKey)
        {
            Certificate = certificate;
            PrivateKey = privateKey;
            Der = certificate.GetEncoded();
            Fingerprint = DtlsFingerprint.Compute("sha-256", Der)!;
        }

        /// <summary>The process-wide certificate.</summary>
        public static DtlsCertificate Shared => SharedInstance.Value;

        internal X509Certificate Certificate { get; }
        internal AsymmetricKeyParameter PrivateKey { get; }
        public byte[] Der { get; }

        /// <summary>SHA-256 of the DER, for <c>a=fingerprint:sha-256 AB:CD:...</c>.</summary>
        public DtlsFingerprint Fingerprint { get; }

        public static DtlsCertificate Generate()
        {
            var random = new SecureRandom();
            var generator = new ECKeyPairGenerator("EC");
            generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, random));
            AsymmetricCipherKeyPair keys = generator.GenerateKeyPair();

            var name = new X509Name("CN=WebRTC");
            var builder = new X509V3CertificateGenerator();
            builder.SetSerialNumber(BigInteger.ProbablePrime(64, random));
            builder.SetIssuerDN(name);
            builder.SetSubjectDN(name);
            // Back-dated a day against clock skew; a year outlives any realistic process.
            builder.SetNotBefore(DateTime.UtcNow.AddDays(-1));
            builder.SetNotAfter(DateTime.UtcNow.AddDays(365));
            builder.SetPublicKey(keys.Public);
            var certificate = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));
            return new DtlsCertificate(certificate, keys.Private);
        }

        public override string ToString() => "DTLS certificate " + Fingerprint;
    }
}
