using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>
    /// HMAC-SHA1 with the keyed inner and outer states computed once, so each MAC costs only the message's blocks and
    /// allocates nothing. This is the portable path: netstandard2.0 offers no span-based, non-allocating HMAC.
    /// </summary>
    internal sealed unsafe class Sha1Hmac : IHmacSha1
    {
        private const int BlockLength = 64;
        private static readonly uint[] InitialState = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
        private readonly uint[] _innerStart = new uint[5];
        private readonly uint[] _outerStart = new uint[5];
        private readonly uint[] _state = new uint[5];
        private readonly uint[] _schedule = new uint[80];
        private readonly byte[] _tail = new byte[2 * BlockLength];

        public Sha1Hmac(ReadOnlySpan<byte> key)
        {
            Span<byte> block = stackalloc byte[BlockLength];
            block.Clear();
            if (key.Length > BlockLength)
            {
                Hash(InitialState, 0, key, block);
            }
            else
            {
                key.CopyTo(block);
            }
            for (int i = 0; i < BlockLength; i++) block[i] ^= 0x36;
            InitialState.CopyTo(_innerStart, 0);
            Blocks(_innerStart, block);
            for (int i = 0; i < BlockLength; i++) block[i] ^= 0x36 ^ 0x5C;
            InitialState.CopyTo(_outerStart, 0);
            Blocks(_outerStart, block);
        }

        public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
        {
            Span<byte> inner = stackalloc byte[20];
            Hash(_innerStart, BlockLength, message, inner);
            Hash(_outerStart, BlockLength, inner, mac);
        }

        public void Dispose()
        {
            Array.Clear(_innerStart, 0, 5);
            Array.Clear(_outerStart, 0, 5);
        }

        /// <summary>Finishes a hash whose state already absorbed <paramref name="prefixLength"/> bytes; writes up to 20 bytes of digest.</summary>
        private void Hash(uint[] state, long prefixLength, ReadOnlySpan<byte> message, Span<byte> digest)
        {
            int whole = message.Length & ~(BlockLength - 1);
            Array.Copy(state, _state, 5);
            Blocks(_state, message.Slice(0, whole));
            int rest = message.Length - whole;
            var tail = _tail.AsSpan();
            message.Slice(whole).CopyTo(tail);
            tail[rest] = 0x80;
            int tailLength = rest + 9 <= BlockLength ? BlockLength : 2 * BlockLength;
            tail.Slice(rest + 1, tailLength - rest - 1).Clear();
            BinaryPrimitives.WriteUInt64BigEndian(tail.Slice(tailLength - 8), (ulong)(prefixLength + message.Length) * 8);
            Blocks(_state, tail.Slice(0, tailLength));
            Span<byte> full = stackalloc byte[20];
            for (int i = 0; i < 5; i++) BinaryPrimitives.WriteUInt32BigEndian(full.Slice(i * 4), _state[i]);
            full.Slice(0, Math.Min(20, digest.Length)).CopyTo(digest);
        }

        private void Blocks(uint[] state, ReadOnlySpan<byte> data)
        {
            fixed (uint* h = state)
            fixed (uint* w = _schedule)
            fixed (byte* start = data)
            {
                for (int offset = 0; offset < data.Length; offset += BlockLength) Compress(h, start + offset, w);
            }
        }

        private static uint Rol(uint x, int n) => (x << n) | (x >> (32 - n));

        private static void Compress(uint* h, byte* block, uint* w)
        {
            for (int i = 0; i < 16; i++)
            {
                uint word = *(uint*)(block + 4 * i);
                w[i] = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(word) : word;
            }
            for (int i = 16; i < 80; i++) w[i] = Rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
            uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], t;
            int r = 0;
            for (; r < 20; r++)
            {
                t = Rol(a, 5) + (d ^ (b & (c ^ d))) + e + 0x5A827999 + w[r];
                e = d; d = c; c = Rol(b, 30); b = a; a = t;
            }
            for (; r < 40; r++)
            {
                t = Rol(a, 5) + (b ^ c ^ d) + e + 0x6ED9EBA1 + w[r];
                e = d; d = c; c = Rol(b, 30); b = a; a = t;
            }
            for (; r < 60; r++)
            {
                t = Rol(a, 5) + ((b & c) | (d & (b | c))) + e + 0x8F1BBCDC + w[r];
                e = d; d = c; c = Rol(b, 30); b = a; a = t;
            }
            for (; r < 80; r++)
            {
                t = Rol(a, 5) + (b ^ c ^ d) + e + 0xCA62C1D6 + w[r];
                e = d; d = c; c = Rol(b, 30); b = a; a = t;
            }
            h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
        }
    }
}
