using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>
    /// OpenSSL's libcrypto, called directly for the per-packet SRTP primitives on Linux, where .NET itself runs its
    /// cryptography on the same library. The runtime's wrappers (ICryptoTransform, IncrementalHash, AesGcm) add about
    /// half a microsecond per call on top of OpenSSL, which at 1200-byte packets is as much as the work itself:
    /// through them AES-GCM ran at 0.53 of what <c>openssl speed</c> measures on the same core, and AES-CM with
    /// HMAC-SHA1 at 0.62. Here a packet costs the calls <c>openssl speed</c> itself makes, on contexts keyed once.
    /// </summary>
    /// <remarks>
    /// Elsewhere (Windows, macOS, Windows PowerShell 5.1 on .NET Framework, or a Linux without libcrypto.so.3)
    /// <see cref="IsAvailable"/> is false and the runtime's wrappers do the work; the AppContext switch
    /// <see cref="DisableSwitch"/> chooses them here too, to compare or to rule this path out.
    /// </remarks>
    internal static class LibCrypto
    {
        /// <summary>AppContext switch that keeps SRTP on the runtime's cryptography even where libcrypto is usable.</summary>
        public const string DisableSwitch = "KinesisVideoWebRTCStorage.Srtp.NoLibCrypto";

        private const string Library = "libcrypto.so.3";
        private const int GcmGetTag = 0x10, GcmSetTag = 0x11;

        private static readonly bool Loadable = Probe();

        /// <summary>True where new SRTP contexts use libcrypto directly.</summary>
        public static bool IsAvailable => Loadable && !(AppContext.TryGetSwitch(DisableSwitch, out bool disabled) && disabled);

        private static bool Probe()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return false;
            try
            {
                // OpenSSL 3: the major version sits in the top nibble. Touching each entry point binds it now, not mid-packet.
                if (OpenSSL_version_num() >> 28 != 3) return false;
                _ = EVP_aes_128_ctr();
                _ = EVP_aes_256_ctr();
                _ = EVP_aes_128_gcm();
                _ = EVP_aes_256_gcm();
                _ = EVP_sha1();
                EVP_CIPHER_CTX_free(IntPtr.Zero);
                HMAC_CTX_free(IntPtr.Zero);
                return true;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException)
            {
                return false;
            }
        }

        /// <summary>A cipher context keyed once for AES-CTR (16- or 32-byte key) or AES-GCM (96-bit nonces).</summary>
        public static CipherContext NewCipher(ReadOnlySpan<byte> key, bool gcm, bool encrypt)
        {
            IntPtr cipher = (key.Length, gcm) switch
            {
                (16, false) => EVP_aes_128_ctr(),
                (32, false) => EVP_aes_256_ctr(),
                (16, true) => EVP_aes_128_gcm(),
                (32, true) => EVP_aes_256_gcm(),
                _ => throw new ArgumentException("AES needs a 16- or 32-byte key.", nameof(key)),
            };
            var context = new CipherContext(EVP_CIPHER_CTX_new());
            if (context.IsInvalid) throw new CryptographicException("EVP_CIPHER_CTX_new failed.");
            unsafe
            {
                fixed (byte* k = key)
                    Check(EVP_CipherInit_ex(context, cipher, IntPtr.Zero, k, null, encrypt ? 1 : 0), "EVP_CipherInit_ex");
            }
            return context;
        }

        /// <summary>XORs the AES-CTR keystream from counter block <paramref name="iv"/> into <paramref name="data"/>.</summary>
        public static unsafe void CounterMode(CipherContext context, ReadOnlySpan<byte> iv, Span<byte> data)
        {
            fixed (byte* v = iv)
            fixed (byte* d = data)
            {
                Check(EVP_CipherInit_ex(context, IntPtr.Zero, IntPtr.Zero, null, v, -1), "EVP_CipherInit_ex");
                Check(EVP_CipherUpdate(context, d, out _, d, data.Length), "EVP_CipherUpdate");
            }
        }

        /// <summary>AES-GCM encryption of <paramref name="data"/> in place, with its tag.</summary>
        public static unsafe void GcmEncrypt(CipherContext context, ReadOnlySpan<byte> nonce, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> associatedData)
        {
            byte final = 0;
            fixed (byte* n = nonce)
            fixed (byte* d = data)
            fixed (byte* t = tag)
            fixed (byte* a = associatedData)
            {
                GcmUpdate(context, n, a, associatedData.Length, d, data.Length);
                Check(EVP_CipherFinal_ex(context, &final, out _), "EVP_CipherFinal_ex");
                Check(EVP_CIPHER_CTX_ctrl(context, GcmGetTag, tag.Length, t), "EVP_CIPHER_CTX_ctrl");
            }
        }

        /// <summary>AES-GCM decryption of <paramref name="data"/> in place; false (and the data zeroed) when the tag does not verify.</summary>
        public static unsafe bool GcmDecrypt(CipherContext context, ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associatedData)
        {
            byte final = 0;
            int verified;
            fixed (byte* n = nonce)
            fixed (byte* d = data)
            fixed (byte* t = tag)
            fixed (byte* a = associatedData)
            {
                GcmUpdate(context, n, a, associatedData.Length, d, data.Length);
                Check(EVP_CIPHER_CTX_ctrl(context, GcmSetTag, tag.Length, t), "EVP_CIPHER_CTX_ctrl");
                verified = EVP_CipherFinal_ex(context, &final, out _);
            }
            if (verified == 1) return true;
            data.Clear(); // what was decrypted before the tag failed must not be mistaken for a packet
            return false;
        }

        /// <summary>Starts a packet under a new nonce and runs the associated data, then the data in place, through the cipher.</summary>
        private static unsafe void GcmUpdate(CipherContext context, byte* nonce, byte* associatedData, int associatedLength, byte* data, int length)
        {
            Check(EVP_CipherInit_ex(context, IntPtr.Zero, IntPtr.Zero, null, nonce, -1), "EVP_CipherInit_ex");
            Check(EVP_CipherUpdate(context, null, out _, associatedData, associatedLength), "EVP_CipherUpdate");
            if (length > 0) Check(EVP_CipherUpdate(context, data, out _, data, length), "EVP_CipherUpdate");
        }

        /// <summary>An HMAC-SHA1 context keyed once; each MAC resets it to the key's inner state.</summary>
        public static unsafe HmacContext NewHmacSha1(ReadOnlySpan<byte> key)
        {
            var context = new HmacContext(HMAC_CTX_new());
            if (context.IsInvalid) throw new CryptographicException("HMAC_CTX_new failed.");
            fixed (byte* k = key)
                Check(HMAC_Init_ex(context, k, key.Length, EVP_sha1(), IntPtr.Zero), "HMAC_Init_ex");
            return context;
        }

        /// <summary>HMAC-SHA1 of <paramref name="message"/> into the 20 bytes of <paramref name="digest"/>.</summary>
        public static unsafe void HmacSha1(HmacContext context, ReadOnlySpan<byte> message, Span<byte> digest)
        {
            if (digest.Length < 20) throw new ArgumentException("HMAC-SHA1 writes 20 bytes.", nameof(digest));
            fixed (byte* m = message)
            fixed (byte* d = digest)
            {
                Check(HMAC_Init_ex(context, null, 0, IntPtr.Zero, IntPtr.Zero), "HMAC_Init_ex");
                Check(HMAC_Update(context, m, (UIntPtr)message.Length), "HMAC_Update");
                Check(HMAC_Final(context, d, out _), "HMAC_Final");
            }
        }

        private static void Check(int result, string call)
        {
            if (result != 1) throw new CryptographicException($"OpenSSL {call} failed.");
        }

        internal sealed class CipherContext : SafeHandle
        {
            public CipherContext(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

            public override bool IsInvalid => handle == IntPtr.Zero;

            protected override bool ReleaseHandle()
            {
                EVP_CIPHER_CTX_free(handle); // also wipes the key schedule
                return true;
            }
        }

        internal sealed class HmacContext : SafeHandle
        {
            public HmacContext(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

            public override bool IsInvalid => handle == IntPtr.Zero;

            protected override bool ReleaseHandle()
            {
                HMAC_CTX_free(handle);
                return true;
            }
        }

        [DllImport(Library)] private static extern ulong OpenSSL_version_num();
        [DllImport(Library)] private static extern IntPtr EVP_aes_128_ctr();
        [DllImport(Library)] private static extern IntPtr EVP_aes_256_ctr();
        [DllImport(Library)] private static extern IntPtr EVP_aes_128_gcm();
        [DllImport(Library)] private static extern IntPtr EVP_aes_256_gcm();
        [DllImport(Library)] private static extern IntPtr EVP_sha1();
        [DllImport(Library)] private static extern IntPtr EVP_CIPHER_CTX_new();
        [DllImport(Library)] private static extern void EVP_CIPHER_CTX_free(IntPtr context);
        [DllImport(Library)] private static extern unsafe int EVP_CipherInit_ex(CipherContext context, IntPtr cipher, IntPtr engine, byte* key, byte* iv, int encrypt);
        [DllImport(Library)] private static extern unsafe int EVP_CipherUpdate(CipherContext context, byte* output, out int outputLength, byte* input, int inputLength);
        [DllImport(Library)] private static extern unsafe int EVP_CipherFinal_ex(CipherContext context, byte* output, out int outputLength);
        [DllImport(Library)] private static extern unsafe int EVP_CIPHER_CTX_ctrl(CipherContext context, int type, int argument, byte* pointer);
        [DllImport(Library)] private static extern IntPtr HMAC_CTX_new();
        [DllImport(Library)] private static extern void HMAC_CTX_free(IntPtr context);
        [DllImport(Library)] private static extern unsafe int HMAC_Init_ex(HmacContext context, byte* key, int keyLength, IntPtr digest, IntPtr engine);
        [DllImport(Library)] private static extern unsafe int HMAC_Update(HmacContext context, byte* data, UIntPtr length);
        [DllImport(Library)] private static extern unsafe int HMAC_Final(HmacContext context, byte* digest, out uint digestLength);
    }
}
