using SrtpProtectionProfile = KinesisVideoWebRTCStorage.WebRtc.Srtp.SrtpProtectionProfile;
using System.Collections.Generic;
using Org.BouncyCastle.Tls;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>
    /// The DTLS 1.2 server role: picks an SRTP profile from the client's use_srtp, requires a client certificate and pins
    /// it by fingerprint. A ClientHello from a DTLS 1.3 capable client (Chromium) carries client_version DTLS 1.2 plus
    /// supported_versions and key_share extensions, which this server ignores, so 1.2 is negotiated.
    /// </summary>
    internal sealed class DtlsSrtpServer : DefaultTlsServer
    {
        private readonly DtlsSrtpContext _srtp;

        public DtlsSrtpServer(DtlsSrtpContext srtp) : base(srtp.Crypto)
        {
            _srtp = srtp;
        }

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

        protected override int[] GetSupportedCipherSuites() => new[]
        {
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        };

        protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _srtp.SignerCredentials(m_context);

        public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
        {
            base.ProcessClientExtensions(clientExtensions);
            int? chosen = _srtp.Choose(clientExtensions);
            // Without a common SRTP profile there is no media to protect, so there is no point in finishing.
            if (chosen == null) throw new TlsFatalAlert(AlertDescription.handshake_failure);
            _srtp.Profile = (SrtpProtectionProfile)chosen.Value;
        }

        public override IDictionary<int, byte[]> GetServerExtensions()
        {
            IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
            DtlsSrtpContext.AddUseSrtp(extensions, (int)_srtp.Profile!.Value);
            return extensions;
        }

        public override CertificateRequest GetCertificateRequest() =>
            new CertificateRequest(new[] { ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign },
                TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

        public override void NotifyClientCertificate(Certificate clientCertificate) => _srtp.VerifyRemote(clientCertificate);

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            _srtp.ExportKeys(m_context, isClient: false);
        }

        public override void NotifyAlertReceived(short alertLevel, short alertDescription)
        {
            base.NotifyAlertReceived(alertLevel, alertDescription);
            _srtp.OnAlertReceived(alertDescription);
        }

        public override int GetHandshakeTimeoutMillis() => _srtp.HandshakeTimeoutMillis;
    }
}
