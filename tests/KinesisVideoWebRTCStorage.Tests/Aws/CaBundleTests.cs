using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.Emulator;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.Tests.Emulator;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Aws
{
    /// <summary>AWS_CA_BUNDLE: the control plane and the signaling WebSocket trust a private CA, such as the emulator's --tls one.</summary>
    public sealed class CaBundleTests : IAsyncLifetime
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("kvs-ca-bundle-").FullName;
        private EmulatorHarness _emulator = null!;
        private string _caPath = null!;

        public async Task InitializeAsync()
        {
            var tls = EmulatorTls.FromPrivateCa(Path.Combine(_folder, "emulator"), null);
            _caPath = tls.CaPath!;
            _emulator = await EmulatorHarness.StartAsync(o => o.TlsCertificate = tls.Certificate);
        }

        public async Task DisposeAsync()
        {
            await _emulator.DisposeAsync();
            Directory.Delete(_folder, true);
        }

        private KvsConnection Connect(CaBundle? trust, Action<string>? trace = null)
        {
            var connection = KvsConnection.Create(new AwsConnectionOptions
            {
                AccessKey = _emulator.Server.Options.AccessKey,
                SecretKey = _emulator.Server.Options.SecretKey,
                Region = _emulator.Server.Options.Region,
                EndpointUrl = _emulator.Endpoint,
                Retry = new RetryPolicy(3, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20)),
            }, trust);
            connection.Http.Trace = trace;
            return connection;
        }

        [Fact]
        public async Task TheControlPlaneAndSignalingTrustThePrivateCaInTheBundle()
        {
            Assert.StartsWith("https://", _emulator.Endpoint);
            var trust = CaBundle.Load(_caPath);
            var connection = Connect(trust);
            Assert.Same(trust, connection.TrustedAuthorities);
            var channelArn = await connection.ControlPlane().CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = "tls-cam" });

            var url = SignalingUrl.ForMaster(_emulator.Server.WebSocketUrl, channelArn, _emulator.Credentials, _emulator.Server.Options.Region);
            Assert.StartsWith("wss://", url.ToString());
            using var signaling = await SignalingConnection.ConnectAsync(url, TimeSpan.FromSeconds(10), CancellationToken.None, trust);
            Assert.True(signaling.IsOpen);
        }

        [Fact]
        public async Task WithoutTheBundleTheCertificateIsOneClearErrorNotRetried()
        {
            var trace = new List<string>();
            var error = await Assert.ThrowsAsync<KinesisVideoCertificateException>(() =>
                Connect(null, line => { lock (trace) trace.Add(line); }).ControlPlane().CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = "x" }));
            Assert.Contains("is not trusted", error.Message);
            Assert.Contains("AWS_CA_BUNDLE", error.Message);
            Assert.Single(trace);
            var classification = ErrorClassification.Of(error);
            Assert.Equal("EndpointCertificateNotTrusted", classification.ErrorId);
            Assert.Equal("SecurityError", classification.Category);

            var url = SignalingUrl.ForMaster(_emulator.Server.WebSocketUrl, "arn:aws:kinesisvideo:us-west-2:123456789012:channel/x/1", _emulator.Credentials, "us-west-2");
            var refused = await Assert.ThrowsAsync<SignalingConnectException>(() => SignalingConnection.ConnectAsync(url, TimeSpan.FromSeconds(10), CancellationToken.None));
            Assert.Contains("not trusted", refused.Message);
            Assert.Contains("AWS_CA_BUNDLE", refused.Message);
        }

        [Fact]
        public async Task AnotherCaInTheBundleDoesNotMakeTheCertificateTrusted()
        {
            var stranger = EmulatorTls.FromPrivateCa(Path.Combine(_folder, "stranger"), null);
            await Assert.ThrowsAsync<KinesisVideoCertificateException>(() =>
                Connect(CaBundle.Load(stranger.CaPath!)).ControlPlane().CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = "x" }));
        }

        [Fact]
        public void AWrongHostNameStaysFatalWhateverTheBundle()
        {
            var trust = CaBundle.Load(_caPath);
            var certificate = _emulator.Server.Options.TlsCertificate!;
            Assert.False(trust.Trusts(certificate, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.False(trust.Trusts(null, SslPolicyErrors.RemoteCertificateNotAvailable));
            Assert.True(trust.Trusts(certificate, SslPolicyErrors.RemoteCertificateChainErrors));
        }

        [Fact]
        public void ABundleThatCannotBeUsedIsATypedErrorNamingTheFile()
        {
            string missing = Path.Combine(_folder, "missing.pem");
            var error = Assert.Throws<CaBundleException>(() => CaBundle.Load(missing));
            Assert.Contains("AWS_CA_BUNDLE names " + missing, error.Message);
            Assert.Equal("CaBundleInvalid", ErrorClassification.Of(error).ErrorId);

            string empty = Path.Combine(_folder, "empty.pem");
            File.WriteAllText(empty, "not a certificate\n");
            Assert.Contains("holds no PEM certificate", Assert.Throws<CaBundleException>(() => CaBundle.Load(empty)).Message);

            string damaged = Path.Combine(_folder, "damaged.pem");
            File.WriteAllText(damaged, "-----BEGIN CERTIFICATE-----\nMIIB!!\n-----END CERTIFICATE-----\n");
            Assert.Contains("certificate 1 is damaged", Assert.Throws<CaBundleException>(() => CaBundle.Load(damaged)).Message);
        }
    }
}
