using System;
using System.Reflection;
using System.Security.Cryptography;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>
    /// The runtime's HMAC-SHA1 (OpenSSL/CNG, SHA extensions where the CPU has them) reached through IncrementalHash's span
    /// overloads, which netstandard2.0 cannot name at compile time but .NET Core 2.1+ has at run time.
    /// </summary>
    internal sealed class PlatformHmacSha1 : IHmacSha1
    {
        private delegate void AppendSpan(ReadOnlySpan<byte> data);
        private delegate bool TryFinish(Span<byte> destination, out int written);

        private static readonly MethodInfo? AppendMethod =
            typeof(IncrementalHash).GetMethod("AppendData", new[] { typeof(ReadOnlySpan<byte>) });
        private static readonly MethodInfo? FinishMethod =
            typeof(IncrementalHash).GetMethod("TryGetHashAndReset", new[] { typeof(Span<byte>), typeof(int).MakeByRefType() });

        public static bool IsSupported => AppendMethod != null && FinishMethod != null;

        private readonly IncrementalHash _hash;
        private readonly AppendSpan _append;
        private readonly TryFinish _finish;
        private readonly byte[] _digest = new byte[20];

        public PlatformHmacSha1(ReadOnlySpan<byte> key)
        {
            if (!IsSupported) throw new PlatformNotSupportedException("IncrementalHash has no span overloads on this runtime.");
            _hash = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key.ToArray());
            _append = (AppendSpan)Delegate.CreateDelegate(typeof(AppendSpan), _hash, AppendMethod!);
            _finish = (TryFinish)Delegate.CreateDelegate(typeof(TryFinish), _hash, FinishMethod!);
        }

        public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
        {
            _append(message);
            _finish(_digest, out _);
            _digest.AsSpan(0, Math.Min(20, mac.Length)).CopyTo(mac);
        }

        public void Dispose() => _hash.Dispose();
    }
}
