using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>
    /// AES-128 (or AES-256, for key derivation under a 256-bit master key) in counter mode (RFC 3711 §4.1.1). Where
    /// libcrypto is usable, OpenSSL's AES-CTR on a context keyed once (<see cref="LibCrypto"/>); elsewhere counter blocks
    /// are encrypted in batches with one reused ECB transform and XORed into the data. Either way a packet costs one or
    /// two native calls and no allocation.
    /// </summary>
    internal sealed class AesCounterMode : IDisposable
    {
        private const int BlockLength = 16;
        private const int BatchBlocks = 128; // 2 KB covers any MTU-sized packet in one call
        private readonly LibCrypto.CipherContext? _native;
        private readonly Aes? _aes;
        private readonly ICryptoTransform? _ecb;
        private readonly byte[]? _counters;
        private readonly byte[]? _keystream;

        public AesCounterMode(ReadOnlySpan<byte> key)
        {
            if (key.Length != 16 && key.Length != 32) throw new ArgumentException("AES needs a 16- or 32-byte key.", nameof(key));
            if (LibCrypto.IsAvailable)
            {
                _native = LibCrypto.NewCipher(key, gcm: false, encrypt: true);
                return;
            }
            _aes = Aes.Create();
            _aes.Mode = CipherMode.ECB;
            _aes.Padding = PaddingMode.None;
            _aes.Key = key.ToArray();
            _ecb = _aes.CreateEncryptor();
            _counters = new byte[BatchBlocks * BlockLength];
            _keystream = new byte[BatchBlocks * BlockLength];
        }

        /// <summary>XORs the keystream starting at counter block <paramref name="iv"/> into <paramref name="data"/>.</summary>
        public void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
        {
            if (iv.Length != BlockLength) throw new ArgumentException("The IV is one AES block.", nameof(iv));
            if (_native != null)
            {
                LibCrypto.CounterMode(_native, iv, data);
                return;
            }
            ulong high = BinaryPrimitives.ReadUInt64BigEndian(iv);
            ulong low = BinaryPrimitives.ReadUInt64BigEndian(iv.Slice(8));
            while (data.Length > 0)
            {
                int blocks = Math.Min(BatchBlocks, (data.Length + BlockLength - 1) / BlockLength);
                for (int i = 0; i < blocks; i++)
                {
                    var counter = _counters.AsSpan(i * BlockLength, BlockLength);
                    BinaryPrimitives.WriteUInt64BigEndian(counter, high);
                    BinaryPrimitives.WriteUInt64BigEndian(counter.Slice(8), low);
                    if (++low == 0) high++;
                }
                _ecb!.TransformBlock(_counters!, 0, blocks * BlockLength, _keystream!, 0);
                int length = Math.Min(data.Length, blocks * BlockLength);
                Xor(data.Slice(0, length), _keystream!);
                data = data.Slice(length);
            }
        }

        private static void Xor(Span<byte> data, byte[] keystream)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
            {
                var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
                var keys = MemoryMarshal.Cast<byte, Vector<byte>>(keystream.AsSpan(0, vectors.Length * Vector<byte>.Count));
                for (int v = 0; v < vectors.Length; v++) vectors[v] ^= keys[v];
                i = vectors.Length * Vector<byte>.Count;
            }
            for (; i < data.Length; i++) data[i] ^= keystream[i];
        }

        public void Dispose()
        {
            _native?.Dispose();
            _ecb?.Dispose();
            _aes?.Dispose();
        }
    }
}
