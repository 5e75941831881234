using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>HMAC-SHA1 on an OpenSSL context keyed once (<see cref="LibCrypto"/>), where libcrypto is usable.</summary>
    internal sealed class LibCryptoHmacSha1 : IHmacSha1
    {
        private readonly LibCrypto.HmacContext _context;
        private readonly byte[] _digest = new byte[20];

        public LibCryptoHmacSha1(ReadOnlySpan<byte> key) => _context = LibCrypto.NewHmacSha1(key);

        public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
        {
            LibCrypto.HmacSha1(_context, message, _digest);
            _digest.AsSpan(0, Math.Min(20, mac.Length)).CopyTo(mac);
        }

        public void Dispose() => _context.Dispose();
    }
}
