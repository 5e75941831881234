using System;
using System.Security.Cryptography;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>A certificate fingerprint: the hash function name as SDP spells it ("sha-256") and the digest of the DER.</summary>
    public sealed class DtlsFingerprint
    {
        private readonly byte[] _digest;

        public DtlsFingerprint(string algorithm, ReadOnlySpan<byte> digest)
        {
            Algorithm = algorithm.ToLowerInvariant();
            _digest = digest.ToArray();
        }

        public string Algorithm { get; }
        public ReadOnlyMemory<byte> Digest => _digest;

        /// <summary>The digest in SDP form, "AB:CD:...".</summary>
        public string DigestText => ColonHex.Format(_digest);

        /// <summary>Hashes a DER certificate with the named function (RFC 8122 section 5); null when it is not supported.</summary>
        public static DtlsFingerprint? Compute(string algorithm, byte[] der)
        {
            using HashAlgorithm? hash = algorithm.ToLowerInvariant() switch
            {
                "sha-1" => SHA1.Create(),
                "sha-256" => SHA256.Create(),
                "sha-384" => SHA384.Create(),
                "sha-512" => SHA512.Create(),
                _ => null,
            };
            return hash == null ? null : new DtlsFingerprint(algorithm, hash.ComputeHash(der));
        }

        public bool Matches(DtlsFingerprint other)
        {
            if (Algorithm != other.Algorithm || _digest.Length != other._digest.Length) return false;
            int difference = 0;
            for (int i = 0; i < _digest.Length; i++) difference |= _digest[i] ^ other._digest[i];
            return difference == 0;
        }

        /// <summary>"sha-256 AB:CD:...", the <c>a=fingerprint</c> value.</summary>
        public override string ToString() => Algorithm + " " + DigestText;
    }
}
