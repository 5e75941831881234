using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>
    /// The emulator's TLS certificate: one the user gives (PEM certificate and key), or one signed by a private CA
    /// that the emulator makes once in a folder and reuses, so that a client told to trust that CA
    /// (<c>AWS_CA_BUNDLE</c>, <c>aws --ca-bundle</c>, the C SDK's <c>AWS_KVS_CACERT_PATH</c>) keeps trusting it.
    /// </summary>
    public sealed class EmulatorTls
    {
        private EmulatorTls(X509Certificate2 certificate, string? caPath)
        {
            Certificate = certificate;
            CaPath = caPath;
        }

        /// <summary>The server certificate, with its private key.</summary>
        public X509Certificate2 Certificate { get; }

        /// <summary>The private CA's certificate (PEM), when the emulator made it.</summary>
        public string? CaPath { get; }

        /// <summary>A certificate and its key, both PEM.</summary>
        public static EmulatorTls FromPem(string certificatePath, string keyPath)
        {
            foreach (var path in new[] { certificatePath, keyPath })
                if (!File.Exists(path)) throw new EmulatorStartException($"The TLS file '{Path.GetFullPath(path)}' does not exist.");
            try
            {
                return new EmulatorTls(Usable(X509Certificate2.CreateFromPemFile(certificatePath, keyPath)), null);
            }
            catch (CryptographicException e)
            {
                throw new EmulatorStartException($"'{certificatePath}' and '{keyPath}' are not a PEM certificate and its private key: {e.Message}", e);
            }
        }

        /// <summary>
        /// A server certificate for localhost, 127.0.0.1, ::1 and <paramref name="hostName"/>, signed by the private CA
        /// in <paramref name="folder"/> (made there on first use).
        /// </summary>
        public static EmulatorTls FromPrivateCa(string folder, string? hostName)
        {
            Directory.CreateDirectory(folder);
            string caPath = Path.Combine(folder, "ca.pem");
            string caKeyPath = Path.Combine(folder, "ca.key");
            X509Certificate2 ca;
            if (File.Exists(caPath) && File.Exists(caKeyPath))
            {
                try
                {
                    ca = X509Certificate2.CreateFromPemFile(caPath, caKeyPath);
                }
                catch (CryptographicException e)
                {
                    throw new EmulatorStartException($"The private CA in '{folder}' cannot be read ({e.Message}); delete ca.pem and ca.key there to make a new one.", e);
                }
            }
            else
            {
                using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var request = new CertificateRequest("CN=KinesisVideoWebRTCStorage emulator private CA", caKey, HashAlgorithmName.SHA256);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
                request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
                ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
                File.WriteAllText(caKeyPath, caKey.ExportPkcs8PrivateKeyPem());
                File.WriteAllText(caPath, ca.ExportCertificatePem());
            }
            using (ca)
            using (var caKey = ca.GetECDsaPrivateKey() ?? throw new EmulatorStartException($"The private CA in '{folder}' has no usable key; delete ca.pem and ca.key there to make a new one."))
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var request = new CertificateRequest("CN=" + (hostName ?? "localhost"), key, HashAlgorithmName.SHA256);
                var names = new SubjectAlternativeNameBuilder();
                names.AddDnsName("localhost");
                names.AddIpAddress(IPAddress.Loopback);
                names.AddIpAddress(IPAddress.IPv6Loopback);
                if (hostName != null) names.AddDnsName(hostName);
                request.CertificateExtensions.Add(names.Build());
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
                request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
                var serial = new byte[16];
                RandomNumberGenerator.Fill(serial);
                serial[0] &= 0x7F;
                using var signed = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(397), serial);
                using var withKey = signed.CopyWithPrivateKey(key);
                return new EmulatorTls(Usable(withKey), caPath);
            }
        }

        /// <summary>A certificate whose key TLS can use on every platform (an ephemeral PEM key cannot on Windows).</summary>
        private static X509Certificate2 Usable(X509Certificate2 certificate)
        {
            using (certificate)
                return new X509Certificate2(certificate.Export(X509ContentType.Pkcs12));
        }
    }
}
