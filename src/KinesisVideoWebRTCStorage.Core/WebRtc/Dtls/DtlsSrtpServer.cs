using SrtpProtectionProfile = KinesisVideoWebRTCStorage.WebRtc.Srtp.SrtpProtectionProfile;
using System.Collections;
using Org.BouncyCastle.Crypto.Tls;

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

        public DtlsSrtpServer(DtlsSrtpContext srtp)
        {
            _srtp = srtp;
        }

        protected override ProtocolVersion MaximumVersion => ProtocolVersion.DTLSv12;

        protected override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv12;

        protected override int[] GetCipherSuites() => new[]
        {
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        };

        protected override TlsSignerCredentials GetECDsaSignerCredentials() => _srtp.SignerCredentials(mContext);

        public override void ProcessClientExtensions(IDictionary clientExtensions)
        {
            base.ProcessClientExtensions(clientExtensions);
            int? chosen = DtlsSrtpContext.Choose(clientExtensions);
            // Without a common SRTP profile there is no media to protect, so there is no point in finishing.
            if (chosen == null) throw new TlsFatalAlert(AlertDescription.handshake_failure);
            _srtp.Profile = (SrtpProtectionProfile)chosen.Value;
        }

        public override IDictionary GetServerExtensions()
        {
            IDictionary extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
            DtlsSrtpContext.AddUseSrtp(extensions, (int)_srtp.Profile!.Value);
            return extensions;
        }

        public override CertificateRequest GetCertificateRequest() =>
            new CertificateRequest(new[] { ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign },
                TlsUtilities.IsTlsV12(mContext) ? TlsUtilities.GetDefaultSupportedSignatureAlgorithms() : null, null);

        public override void NotifyClientCertificate(Certificate clientCertificate) => _srtp.VerifyRemote(clientCertificate);

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            _srtp.ExportKeys(mContext, isClient: false);
        }

        public override void NotifyAlertReceived(byte alertLevel, byte alertDescription)
        {
            base.NotifyAlertReceived(alertLevel, alertDescription);
            _srtp.OnAlertReceived(alertDescription);
        }

        public override int GetHandshakeTimeoutMillis() => _srtp.HandshakeTimeoutMillis;
    }
}
