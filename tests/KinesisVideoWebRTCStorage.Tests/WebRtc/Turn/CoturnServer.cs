using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Turn
{
    /// <summary>
    /// A real coturn <c>turnserver</c> on 127.0.0.1, for any test that needs TURN (xunit class fixture or
    /// <c>using var turn = new CoturnServer()</c>). It listens for UDP and TCP on <see cref="Port"/> and TLS on
    /// <see cref="TlsPort"/>, with a self-signed certificate made here (pin it with <see cref="ValidateCertificate"/>),
    /// and authenticates with coturn's REST-API shared secret (<c>--use-auth-secret</c>), the scheme the emulator's
    /// GetIceServerConfig uses: set the emulator's TurnUris to <see cref="Uris"/> and its TurnSecret to
    /// <see cref="Secret"/>. Relays are on 127.0.0.1, and loopback peers are allowed so that local agents can meet.
    /// Without coturn installed the constructor fails the test with how to install it.
    /// </summary>
    public sealed class CoturnServer : IDisposable
    {
        public const string Realm = "kvs.test";

        private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

        private readonly Process _process;
        private readonly StringBuilder _log = new StringBuilder();
        private readonly string _directory;

        public CoturnServer()
        {
            string executable = FindTurnserver();
            _directory = Directory.CreateTempSubdirectory("kvs-coturn-").FullName;
            Secret = RandomText(24);
            Certificate = CreateCertificate(_directory, out string certificatePath, out string keyPath);
            (Username, Credential) = TimeLimitedCredentials("kvs-tests", TimeSpan.FromHours(2));

            // A port can be taken between our probe and coturn binding it (other tests open sockets all the time): retry.
            for (int attempt = 1; ; attempt++)
            {
                Port = FreePort();
                TlsPort = FreePort();
                if (TlsPort == Port) continue;
                _process = Launch(executable, certificatePath, keyPath);
                string? failure = WaitUntilReady();
                if (failure == null) break;
                Stop();
                if (attempt == 3) throw new Xunit.Sdk.XunitException($"coturn did not start: {failure}\n{Log}");
                lock (_log) _log.Clear();
            }
        }

        /// <summary>coturn's <c>--static-auth-secret</c>.</summary>
        public string Secret { get; }

        /// <summary>UDP and TCP (<c>turn:</c>).</summary>
        public int Port { get; private set; }

        /// <summary>TLS over TCP (<c>turns:</c>).</summary>
        public int TlsPort { get; private set; }

        /// <summary>A time-limited username that is valid for two hours, with its <see cref="Credential"/>.</summary>
        public string Username { get; }
        public string Credential { get; }

        /// <summary>The self-signed certificate coturn presents, for 127.0.0.1 and localhost.</summary>
        public X509Certificate2 Certificate { get; }

        public string UdpUri => $"turn:127.0.0.1:{Port}?transport=udp";
        public string TcpUri => $"turn:127.0.0.1:{Port}?transport=tcp";
        public string TlsUri => $"turns:127.0.0.1:{TlsPort}?transport=tcp";
        public IReadOnlyList<string> Uris => new[] { UdpUri, TcpUri, TlsUri };

        public string Uri(TurnTransport transport) => transport switch
        {
            TurnTransport.Udp => UdpUri,
            TurnTransport.Tcp => TcpUri,
            _ => TlsUri,
        };

        /// <summary>This server over one transport, with <see cref="Username"/> and <see cref="Credential"/> unless given others.</summary>
        public TurnServer Server(TurnTransport transport, string? username = null, string? credential = null) =>
            TurnServer.Parse(Uri(transport), username ?? Username, credential ?? Credential);

        /// <summary>What coturn wrote so far (<c>--log-file=stdout</c>), for failure messages.</summary>
        public string Log
        {
            get { lock (_log) return _log.ToString(); }
        }

        /// <summary>
        /// coturn's REST-API credentials (its <c>--use-auth-secret</c>): the username is "&lt;expiry unix time&gt;:&lt;user&gt;"
        /// and the password base64(HMAC-SHA1(secret, username)); coturn refuses them once the expiry has passed.
        /// </summary>
        /// <summary>What the emulator's GetIceServerConfig issues, so real coturn checks our issuer too.</summary>
        public static (string Username, string Credential) TimeLimitedCredentials(string secret, string user, DateTimeOffset expiry) =>
            new KinesisVideoWebRTCStorage.Emulator.Turn.TurnRestCredentials(secret).Issue(user, expiry);

        public (string Username, string Credential) TimeLimitedCredentials(string user, TimeSpan validFor) =>
            TimeLimitedCredentials(Secret, user, DateTimeOffset.UtcNow + validFor);

        /// <summary>A certificate validation callback that accepts exactly this server's certificate.</summary>
        public bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
            certificate != null && certificate.GetCertHash().AsSpan().SequenceEqual(Certificate.GetCertHash());

        private static string FindTurnserver()
        {
            var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin");
            return directories.Select(d => Path.Combine(d, "turnserver")).FirstOrDefault(File.Exists)
                ?? throw new Xunit.Sdk.XunitException(
                    "coturn's turnserver is required for the TURN tests and was not found on PATH. Install coturn "
                    + "(apt-get install --no-install-recommends coturn; .ci/run does).");
        }

        private Process Launch(string executable, string certificatePath, string keyPath)
        {
            var arguments = new[]
            {
                "-n", // no configuration file: only what is below
                "--no-cli",
                "--listening-ip=127.0.0.1",
                "--relay-ip=127.0.0.1",
                $"--listening-port={Port}",
                $"--tls-listening-port={TlsPort}",
                $"--realm={Realm}",
                "--use-auth-secret",
                $"--static-auth-secret={Secret}",
                "--allow-loopback-peers", // the peers are agents on 127.0.0.1
                $"--cert={certificatePath}",
                $"--pkey={keyPath}",
                "--no-dtls", // we have no DTLS transport to the server, and it would share the TLS port
                "--log-file=stdout",
                "--simple-log",
                $"--pidfile={Path.Combine(_directory, "turnserver.pid")}",
                $"--userdb={Path.Combine(_directory, "turndb")}", // not the shared /var/lib/turn/turndb
            };
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        private void Append(string? line)
        {
            if (line == null) return;
            // The secret is on coturn's command line, not in its log; keep it out of failure messages all the same.
            lock (_log) _log.AppendLine(line.Replace(Secret, "<secret>"));
        }

        /// <summary>Null once UDP, TCP and TLS all answer; else why not.</summary>
        private string? WaitUntilReady()
        {
            var deadline = DateTime.UtcNow + StartTimeout;
            while (DateTime.UtcNow < deadline)
            {
                if (_process.HasExited) return $"turnserver exited with code {_process.ExitCode}";
                if (Accepts(Port) && Accepts(TlsPort) && AnswersBinding()) return null;
                Thread.Sleep(50);
            }
            return $"turnserver did not listen on {Port} and {TlsPort} within {StartTimeout.TotalSeconds} s";
        }

        private static bool Accepts(int port)
        {
            using var tcp = new TcpClient(AddressFamily.InterNetwork);
            try
            {
                tcp.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        private bool AnswersBinding()
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            udp.Client.ReceiveTimeout = 200;
            byte[] request = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId()).ToArray();
            udp.Send(request, request.Length, new IPEndPoint(IPAddress.Loopback, Port));
            try
            {
                IPEndPoint? from = null;
                return StunMessage.IsStun(udp.Receive(ref from));
            }
            catch (SocketException)
            {
                return false;
            }
        }

        /// <summary>A port free for both UDP and TCP on 127.0.0.1 right now.</summary>
        private static int FreePort()
        {
            while (true)
            {
                var tcp = new TcpListener(IPAddress.Loopback, 0);
                tcp.Start();
                int port = ((IPEndPoint)tcp.LocalEndpoint).Port;
                try
                {
                    using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                    return port;
                }
                catch (SocketException)
                {
                    // Taken for UDP: try another.
                }
                finally
                {
                    tcp.Stop();
                }
            }
        }

        private static X509Certificate2 CreateCertificate(string directory, out string certificatePath, out string keyPath)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=kvs-test-coturn", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            certificatePath = Path.Combine(directory, "cert.pem");
            keyPath = Path.Combine(directory, "key.pem");
            File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
            return X509CertificateLoader.LoadCertificate(certificate.RawData);
        }

        private static string RandomText(int bytes) => Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();

        private void Stop()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Never started or already reaped.
            }
            _process.Dispose();
        }

        public void Dispose()
        {
            Stop();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
