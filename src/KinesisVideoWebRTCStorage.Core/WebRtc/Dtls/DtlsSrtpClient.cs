using SrtpProtectionProfile = KinesisVideoWebRTCStorage.WebRtc.Srtp.SrtpProtectionProfile;
using System.Collections.Generic;
using Org.BouncyCastle.Tls;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>The DTLS 1.2 client role: offers use_srtp, authenticates with our certificate, pins the server's by fingerprint.</summary>
    internal class DtlsSrtpClient : DefaultTlsClient
    {
        private readonly DtlsSrtpContext _srtp;

        public DtlsSrtpClient(DtlsSrtpContext srtp) : base(srtp.Crypto)
        {
            _srtp = srtp;
        }

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

        protected override int[] GetSupportedCipherSuites() => new[]
        {
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        };

        public override IDictionary<int, byte[]> GetClientExtensions()
        {
            IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
            DtlsSrtpContext.AddUseSrtp(extensions, _srtp.Profiles);
            return extensions;
        }

        public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
        {
            base.ProcessServerExtensions(serverExtensions);
            // RFC 5764 section 4.1.1: the server answers with exactly one of the offered profiles.
            UseSrtpData? data = serverExtensions == null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
            int? chosen = _srtp.Choose(serverExtensions);
            if (data == null || data.ProtectionProfiles.Length != 1 || chosen == null) throw new TlsFatalAlert(AlertDescription.illegal_parameter);
            _srtp.Profile = (SrtpProtectionProfile)chosen.Value;
        }

        public override TlsAuthentication GetAuthentication() => new Authentication(this);

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            _srtp.ExportKeys(m_context, isClient: true);
        }

        public override void NotifyAlertReceived(short alertLevel, short alertDescription)
        {
            base.NotifyAlertReceived(alertLevel, alertDescription);
            _srtp.OnAlertReceived(alertDescription);
        }

        public override int GetHandshakeTimeoutMillis() => _srtp.HandshakeTimeoutMillis;

        private sealed class Authentication : TlsAuthentication
        {
            private readonly DtlsSrtpClient _client;

            public Authentication(DtlsSrtpClient client)
            {
                _client = client;
            }

            public void NotifyServerCertificate(TlsServerCertificate serverCertificate) => _client._srtp.VerifyRemote(serverCertificate?.Certificate);

            public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) => _client._srtp.SignerCredentials(_client.m_context);
        }
    }
}
