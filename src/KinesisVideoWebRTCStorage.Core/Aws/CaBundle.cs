using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>AWS_CA_BUNDLE names a file that is missing or holds no PEM certificate.</summary>
    public sealed class CaBundleException : Exception
    {
        public CaBundleException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>
    /// Extra certificate authorities to trust for AWS endpoints, from the PEM file that <c>AWS_CA_BUNDLE</c> names,
    /// as the AWS CLI and SDKs read it: a private CA such as the local emulator's, or a corporate TLS proxy's. The
    /// system's roots stay trusted, and the host name is checked as always; a certificate the system refuses only for
    /// its chain is accepted when its chain ends at one of the bundle's certificates.
    /// </summary>
    public sealed class CaBundle
    {
        public const string EnvironmentVariable = "AWS_CA_BUNDLE";

        private const string PemBegin = "-----BEGIN CERTIFICATE-----";
        private const string PemEnd = "-----END CERTIFICATE-----";
        private static readonly object CacheGate = new object();
        private static CaBundle? _cached;

        private readonly Lazy<X509Certificate2[]> _authorities;
        private readonly Lazy<HttpClient> _http;

        private CaBundle(string path, List<byte[]> certificates, DateTime written)
        {
            Path = path;
            // Decoding waits for the first certificate the system refuses: a bundle is often the whole system store
            // (140-odd roots, tens of milliseconds), which the first ingest should not pay for when nothing needs it.
            _authorities = new Lazy<X509Certificate2[]>(() => certificates.Select(Decode).OfType<X509Certificate2>().ToArray());
            Written = written;
            _http = new Lazy<HttpClient>(() => new HttpClient(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => Trusts(certificate, errors),
            })
            { Timeout = System.Threading.Timeout.InfiniteTimeSpan });
        }

        public string Path { get; }
        private DateTime Written { get; }

        /// <summary>An HTTP client that trusts the bundle too; one per bundle, as HttpClient is meant to be shared.</summary>
        internal HttpClient HttpClient => _http.Value;

        /// <summary>The bundle AWS_CA_BUNDLE names, or null when it is unset. Reloaded when the file changes.</summary>
        public static CaBundle? FromEnvironment()
        {
            string? path = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(path)) return null;
            lock (CacheGate)
            {
                var cached = _cached;
                if (cached != null && cached.Path == path && File.Exists(path) && File.GetLastWriteTimeUtc(path) == cached.Written) return cached;
                return _cached = Load(path!);
            }
        }

        public static CaBundle Load(string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                throw new CaBundleException($"{EnvironmentVariable} names {path}, which cannot be read ({e.Message}). Point it at the PEM file of the CA to trust, or unset it.", e);
            }
            var certificates = new List<byte[]>();
            for (int begin = text.IndexOf(PemBegin, StringComparison.Ordinal); begin >= 0; begin = text.IndexOf(PemBegin, begin + 1, StringComparison.Ordinal))
            {
                int body = begin + PemBegin.Length, end = text.IndexOf(PemEnd, body, StringComparison.Ordinal);
                try
                {
                    if (end < 0) throw new FormatException("it has no END line");
                    certificates.Add(Convert.FromBase64String(text.Substring(body, end - body).Trim()));
                }
                catch (FormatException e)
                {
                    throw new CaBundleException($"{EnvironmentVariable} names {path}, whose certificate {certificates.Count + 1} is damaged ({e.Message}). Replace the file with the CA's PEM certificate.", e);
                }
            }
            if (certificates.Count == 0)
                throw new CaBundleException($"{EnvironmentVariable} names {path}, which holds no PEM certificate ({PemBegin}). Point it at the CA's PEM file, or unset it.");
            return new CaBundle(path, certificates, File.GetLastWriteTimeUtc(path));
        }

        /// <summary>A certificate of the bundle, or null for one that is base64 but not X.509, which can then trust nothing.</summary>
        private static X509Certificate2? Decode(byte[] der)
        {
            try
            {
                return new X509Certificate2(der);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return null;
            }
        }

        /// <summary>
        /// A TLS validation callback's answer: what the system trusts, or a certificate whose only fault is a chain
        /// that the system cannot complete and that ends, within its validity dates, at one of the bundle's certificates.
        /// </summary>
        public bool Trusts(X509Certificate? certificate, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None) return true;
            if (certificate == null || errors != SslPolicyErrors.RemoteCertificateChainErrors) return false;
            using var leaf = new X509Certificate2(certificate);
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            var authorities = _authorities.Value;
            chain.ChainPolicy.ExtraStore.AddRange(authorities);
            if (!chain.Build(leaf)) return false;
            var top = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
            return authorities.Any(a => a.RawData.SequenceEqual(top.RawData));
        }

        /// <summary>
        /// Makes a WebSocket trust the bundle. The option exists on .NET Core 2.1 and later, which netstandard2.0 cannot
        /// name; on Windows PowerShell 5.1 (.NET Framework) it is absent and only the Windows store is trusted.
        /// </summary>
        internal void ApplyTo(ClientWebSocket socket)
        {
            var option = typeof(ClientWebSocketOptions).GetProperty("RemoteCertificateValidationCallback");
            option?.SetValue(socket.Options, new RemoteCertificateValidationCallback((_, certificate, _, errors) => Trusts(certificate, errors)));
        }

        /// <summary>What to do about a certificate that is not trusted, for error messages.</summary>
        public const string Advice = "If it comes from a private CA (such as the local emulator's --tls), set " + EnvironmentVariable +
            " to the CA's PEM file; otherwise check the endpoint URL and the system's trusted roots.";

        /// <summary>Whether a connection failed because the server's certificate was refused (and not the network).</summary>
        public static bool IsUntrustedCertificate(Exception error)
        {
            for (var e = error; e != null; e = e.InnerException)
                if (e is System.Security.Authentication.AuthenticationException) return true;
            return false;
        }

        public override string ToString() => Path;
    }
}
