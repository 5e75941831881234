using System;
using System.Reflection;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>
    /// AES-GCM with a 96-bit nonce and a 128-bit tag, in place. Where libcrypto is usable, OpenSSL's on contexts keyed
    /// once (<see cref="LibCrypto"/>); else where the runtime has <c>AesGcm</c> (.NET Core 3.0 and
    /// later: OpenSSL or CNG, AES-NI and carry-less multiply) it is reached through delegates, since netstandard2.0
    /// cannot name it, and costs no allocation; elsewhere (.NET Framework) BouncyCastle's GCM does the work.
    /// </summary>
    internal sealed class AesGcmAead : IDisposable
    {
        public const int NonceLength = 12;
        public const int TagLength = 16;

        private delegate void EncryptSpans(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData);
        private delegate void DecryptSpans(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData);

        private static readonly Type? PlatformType = typeof(Aes).Assembly.GetType("System.Security.Cryptography.AesGcm");
        private static readonly MethodInfo? EncryptMethod = PlatformType?.GetMethod("Encrypt",
            new[] { typeof(ReadOnlySpan<byte>), typeof(ReadOnlySpan<byte>), typeof(Span<byte>), typeof(Span<byte>), typeof(ReadOnlySpan<byte>) });
        private static readonly MethodInfo? DecryptMethod = PlatformType?.GetMethod("Decrypt",
            new[] { typeof(ReadOnlySpan<byte>), typeof(ReadOnlySpan<byte>), typeof(ReadOnlySpan<byte>), typeof(Span<byte>), typeof(ReadOnlySpan<byte>) });

        // .NET 8 added the constructor that states the tag size; older runtimes have only the key.
        private static readonly ConstructorInfo? WithTagSize = PlatformType?.GetConstructor(new[] { typeof(byte[]), typeof(int) });
        private static readonly ConstructorInfo? KeyOnly = PlatformType?.GetConstructor(new[] { typeof(byte[]) });

        /// <summary>True where the platform's AES-GCM is used.</summary>
        public static bool PlatformSupported => EncryptMethod != null && DecryptMethod != null;

        private readonly LibCrypto.CipherContext? _nativeEncrypt;
        private readonly LibCrypto.CipherContext? _nativeDecrypt;
        private readonly IDisposable? _platform;
        private readonly EncryptSpans? _encrypt;
        private readonly DecryptSpans? _decrypt;
        private readonly GcmBlockCipher? _managed;
        private readonly KeyParameter? _managedKey;

        /// <param name="key">16 or 32 bytes.</param>
        /// <param name="managed">Use BouncyCastle even where libcrypto or the platform has AES-GCM (to test the fallback).</param>
        public AesGcmAead(ReadOnlySpan<byte> key, bool managed = false)
        {
            if (key.Length != 16 && key.Length != 32) throw new ArgumentException("AES-GCM needs a 16- or 32-byte key.", nameof(key));
            if (LibCrypto.IsAvailable && !managed)
            {
                _nativeEncrypt = LibCrypto.NewCipher(key, gcm: true, encrypt: true);
                _nativeDecrypt = LibCrypto.NewCipher(key, gcm: true, encrypt: false);
            }
            else if (PlatformSupported && !managed)
            {
                _platform = (IDisposable)(WithTagSize != null
                    ? WithTagSize.Invoke(new object[] { key.ToArray(), TagLength })
                    : KeyOnly!.Invoke(new object[] { key.ToArray() }));
                _encrypt = (EncryptSpans)Delegate.CreateDelegate(typeof(EncryptSpans), _platform, EncryptMethod!);
                _decrypt = (DecryptSpans)Delegate.CreateDelegate(typeof(DecryptSpans), _platform, DecryptMethod!);
            }
            else
            {
                _managed = new GcmBlockCipher(new AesEngine());
                _managedKey = new KeyParameter(key.ToArray());
            }
        }

        /// <summary>Encrypts <paramref name="data"/> in place and writes the tag over <paramref name="associatedData"/> and it.</summary>
        public void Encrypt(ReadOnlySpan<byte> nonce, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> associatedData)
        {
            if (_nativeEncrypt != null)
            {
                LibCrypto.GcmEncrypt(_nativeEncrypt, nonce, data, tag, associatedData);
                return;
            }
            if (_encrypt != null)
            {
                _encrypt(nonce, data, data, tag, associatedData);
                return;
            }
            var output = Managed(true, nonce, associatedData, data.ToArray());
            output.AsSpan(0, data.Length).CopyTo(data);
            output.AsSpan(data.Length, TagLength).CopyTo(tag);
        }

        /// <summary>Checks the tag and, only when it matches, decrypts <paramref name="data"/> in place.</summary>
        public bool TryDecrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associatedData)
        {
            if (_nativeDecrypt != null) return LibCrypto.GcmDecrypt(_nativeDecrypt, nonce, data, tag, associatedData);
            try
            {
                if (_decrypt != null)
                {
                    _decrypt(nonce, data, tag, data, associatedData);
                    return true;
                }
                var input = new byte[data.Length + TagLength];
                data.CopyTo(input);
                tag.CopyTo(input.AsSpan(data.Length));
                Managed(false, nonce, associatedData, input).AsSpan(0, data.Length).CopyTo(data);
                return true;
            }
            catch (Exception e) when (e is CryptographicException || e is InvalidCipherTextException)
            {
                // A wrong tag; the platform leaves the output zeroed, so the caller must drop the packet.
                return false;
            }
        }

        private byte[] Managed(bool encrypt, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, byte[] input)
        {
            _managed!.Init(encrypt, new AeadParameters(_managedKey, TagLength * 8, nonce.ToArray(), associatedData.ToArray()));
            var output = new byte[_managed.GetOutputSize(input.Length)];
            int written = _managed.ProcessBytes(input, 0, input.Length, output, 0);
            _managed.DoFinal(output, written);
            return output;
        }

        public void Dispose()
        {
            _nativeEncrypt?.Dispose();
            _nativeDecrypt?.Dispose();
            _platform?.Dispose();
        }
    }
}
