using SrtpProtectionProfile = KinesisVideoWebRTCStorage.WebRtc.Srtp.SrtpProtectionProfile;
using System;
using System.Collections.Generic;
using System.Linq;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>
    /// What the BouncyCastle client and server share: our credentials, the fingerprint the peer must present, the SRTP
    /// profiles, and the outcome (peer fingerprint, exported keys, whether the peer closed).
    /// </summary>
    internal sealed class DtlsSrtpContext
    {
        /// <summary>
        /// Our preference order: AES-GCM first (RFC 7714; one pass of AES-NI and carry-less multiply, and what Chromium
        /// offers first), the 128-bit key before the 256-bit one, then AES-CM with HMAC-SHA1.
        /// </summary>
        public static readonly IReadOnlyList<SrtpProtectionProfile> DefaultProfiles = new[]
        {
            SrtpProtectionProfile.AeadAes128Gcm, SrtpProtectionProfile.AeadAes256Gcm,
            SrtpProtectionProfile.Aes128CmHmacSha1_80, SrtpProtectionProfile.Aes128CmHmacSha1_32,
        };

        public DtlsSrtpContext(DtlsCertificate certificate, DtlsFingerprint expectedRemote, int handshakeTimeoutMillis, IReadOnlyList<SrtpProtectionProfile>? profiles = null)
        {
            Profiles = (profiles ?? DefaultProfiles).Select(p => (int)p).ToArray();
            if (Profiles.Length == 0) throw new ArgumentException("At least one SRTP protection profile is needed.", nameof(profiles));
            Crypto = new BcTlsCrypto(new SecureRandom());
            Certificate = certificate;
            ExpectedRemote = expectedRemote;
            HandshakeTimeoutMillis = handshakeTimeoutMillis;
        }

        /// <summary>BouncyCastle's own primitives: the same on every runtime, and all that DTLS 1.2 with ECDSA needs.</summary>
        public BcTlsCrypto Crypto { get; }
        public DtlsCertificate Certificate { get; }

        /// <summary>The SRTP protection profiles we offer or accept, most preferred first, as wire values.</summary>
        public int[] Profiles { get; }
        public DtlsFingerprint ExpectedRemote { get; }
        public int HandshakeTimeoutMillis { get; }
        public DtlsFingerprint? ActualRemote { get; private set; }
        public bool FingerprintMismatch { get; private set; }
        public SrtpProtectionProfile? Profile { get; set; }
        public DtlsSrtpKeys? Keys { get; private set; }
        public Action? RemoteClosed { get; set; }

        public TlsCredentialedSigner SignerCredentials(TlsContext context) =>
            new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), Crypto, Certificate.PrivateKey,
                new Certificate(new TlsCertificate[] { new BcTlsCertificate(Crypto, Certificate.Der) }),
                SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

        /// <summary>Fails the handshake with bad_certificate unless the peer's leaf certificate hashes to the SDP fingerprint.</summary>
        public void VerifyRemote(Certificate? certificate)
        {
            if (certificate == null || certificate.IsEmpty)
            {
                FingerprintMismatch = true;
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
            ActualRemote = DtlsFingerprint.Compute(ExpectedRemote.Algorithm, certificate.GetCertificateAt(0).GetEncoded());
            if (ActualRemote == null || !ActualRemote.Matches(ExpectedRemote))
            {
                FingerprintMismatch = true;
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
        }

        public static void AddUseSrtp(IDictionary<int, byte[]> extensions, params int[] profiles) =>
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(profiles, TlsUtilities.EmptyBytes));

        /// <summary>The first profile of ours that the peer listed, or null.</summary>
        public int? Choose(IDictionary<int, byte[]>? extensions)
        {
            UseSrtpData? data = extensions == null ? null : TlsSrtpUtilities.GetUseSrtpExtension(extensions);
            if (data == null) return null;
            foreach (int profile in Profiles)
                if (data.ProtectionProfiles.Contains(profile)) return profile;
            return null;
        }

        public void ExportKeys(TlsContext context, bool isClient)
        {
            if (Profile == null) throw new TlsFatalAlert(AlertDescription.internal_error);
            byte[] material = context.ExportKeyingMaterial(DtlsSrtpKeys.ExporterLabel, null, DtlsSrtpKeys.MaterialLength(Profile.Value));
            Keys = DtlsSrtpKeys.FromKeyingMaterial(Profile.Value, material, isClient);
        }

        public void OnAlertReceived(short description)
        {
            if (description == AlertDescription.close_notify) RemoteClosed?.Invoke();
        }
    }
}
