using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>The session-key labels of RFC 3711 §4.3.2.</summary>
    public enum SrtpKeyLabel : byte
    {
        RtpEncryption = 0,
        RtpAuthentication = 1,
        RtpSalt = 2,
        RtcpEncryption = 3,
        RtcpAuthentication = 4,
        RtcpSalt = 5,
    }

    /// <summary>
    /// Session-key derivation with the AES-CM PRF (RFC 3711 §4.3.1, §4.3.3) for key derivation rate 0: AES-128 or, for a
    /// 256-bit master key, AES-256 (RFC 6188 §7), over a 112-bit (AES-CM) or 96-bit (AES-GCM, RFC 7714 §11) master salt.
    /// </summary>
    public static class SrtpKeyDerivation
    {
        /// <summary>
        /// Fills <paramref name="output"/> with the session key for <paramref name="label"/>. With rate 0, r = 0, so
        /// x = (label || 0^48) XOR master_salt and the keystream starts at counter block x·2^16.
        /// </summary>
        public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, SrtpKeyLabel label, Span<byte> output)
        {
            if (masterKey.Length != 16 && masterKey.Length != 32) throw new ArgumentException("The master key is 16 or 32 bytes.", nameof(masterKey));
            if (masterSalt.Length != 14 && masterSalt.Length != 12) throw new ArgumentException("The master salt is 14 or 12 bytes.", nameof(masterSalt));
            Span<byte> iv = stackalloc byte[16];
            iv.Clear();
            masterSalt.CopyTo(iv);
            iv[7] ^= (byte)label;
            output.Clear();
            using var cipher = new AesCounterMode(masterKey);
            cipher.Transform(iv, output);
        }
    }
}
