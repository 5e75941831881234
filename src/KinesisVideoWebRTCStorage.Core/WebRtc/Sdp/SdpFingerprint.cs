using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>An <c>a=fingerprint</c> value (RFC 8122): hash function name and the certificate digest.</summary>
    public sealed class SdpFingerprint
    {
        private readonly byte[] _digest;

        public SdpFingerprint(string algorithm, byte[] digest)
        {
            Algorithm = algorithm.ToLowerInvariant();
            _digest = (byte[])digest.Clone();
        }

        public string Algorithm { get; }
        public ReadOnlyMemory<byte> Digest => _digest;

        /// <summary>Parses <c>sha-256 AB:CD:...</c>.</summary>
        public static SdpFingerprint Parse(string value)
        {
            int space = value.IndexOf(' ');
            if (space <= 0) throw new SdpFormatException("a=fingerprint needs an algorithm and a digest");
            string hex = value.Substring(space + 1).Trim();
            // Each byte is two hex digits and a colon, except the last.
            if (hex.Length < 2 || (hex.Length + 1) % 3 != 0 || hex.Length > 3 * 64) throw new SdpFormatException("a=fingerprint digest is malformed");
            var digest = new byte[(hex.Length + 1) / 3];
            for (int i = 0; i < digest.Length; i++)
            {
                int at = i * 3;
                if (i > 0 && hex[at - 1] != ':') throw new SdpFormatException("a=fingerprint digest is malformed");
                digest[i] = (byte)((HexValue(hex[at]) << 4) | HexValue(hex[at + 1]));
            }
            return new SdpFingerprint(value.Substring(0, space), digest);
        }

        public bool Matches(SdpFingerprint other) => Algorithm == other.Algorithm && Digest.Span.SequenceEqual(other.Digest.Span);

        private static int HexValue(char c)
        {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            throw new SdpFormatException("a=fingerprint digest is not hexadecimal");
        }

        public override string ToString() => Algorithm + " " + ColonHex.Format(_digest);
    }
}
