using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    /// <summary>
    /// A parsed STUN message (RFC 8489). The raw bytes are kept so that MESSAGE-INTEGRITY and FINGERPRINT can be checked
    /// against exactly what arrived. Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and
    /// FINGERPRINT are dropped, as section 14.5 requires, so an attacker cannot append unprotected attributes.
    /// </summary>
    public sealed class StunMessage
    {
        public const uint MagicCookie = 0x2112A442;
        public const int HeaderLength = 20;
        public const int TransactionIdLength = 12;
        private const int Sha1Length = 20;
        private const uint FingerprintXor = 0x5354554E;

        private readonly byte[] _raw;
        private readonly List<StunAttribute> _attributes;

        private StunMessage(byte[] raw, StunMessageType type, List<StunAttribute> attributes)
        {
            _raw = raw;
            Type = type;
            _attributes = attributes;
        }

        public StunMessageType Type { get; }
        public ReadOnlyMemory<byte> TransactionId => new ReadOnlyMemory<byte>(_raw, 8, TransactionIdLength);
        public IReadOnlyList<StunAttribute> Attributes => _attributes;

        /// <summary>A cheap check that a datagram is STUN with the RFC 5389+ magic cookie, for demultiplexing.</summary>
        public static bool IsStun(ReadOnlySpan<byte> packet) =>
            packet.Length >= HeaderLength && (packet[0] & 0xC0) == 0 && ReadUInt32(packet, 4) == MagicCookie
            && ReadUInt16(packet, 2) == packet.Length - HeaderLength;

        public static StunMessage Parse(ReadOnlySpan<byte> packet)
        {
            if (packet.Length < HeaderLength) throw new StunFormatException("message is shorter than the header", packet.Length);
            if ((packet[0] & 0xC0) != 0) throw new StunFormatException("the two leading bits are not zero", 0);
            if (ReadUInt32(packet, 4) != MagicCookie) throw new StunFormatException("magic cookie is wrong", 4);
            int length = ReadUInt16(packet, 2);
            if ((length & 3) != 0) throw new StunFormatException("message length is not a multiple of 4", 2);
            if (length != packet.Length - HeaderLength) throw new StunFormatException("message length does not match the datagram", 2);

            byte[] raw = packet.ToArray();
            var attributes = new List<StunAttribute>();
            bool afterIntegrity = false;
            int offset = HeaderLength;
            while (offset < raw.Length)
            {
                if (raw.Length - offset < 4) throw new StunFormatException("truncated attribute header", offset);
                ushort type = ReadUInt16(raw, offset);
                int valueLength = ReadUInt16(raw, offset + 2);
                int padded = (valueLength + 3) & ~3;
                if (padded > raw.Length - offset - 4) throw new StunFormatException($"attribute 0x{type:X4} runs past the end", offset);
                bool keep = !afterIntegrity || type == StunAttributeType.MessageIntegritySha256 || type == StunAttributeType.Fingerprint;
                if (keep) attributes.Add(new StunAttribute(type, new ReadOnlyMemory<byte>(raw, offset + 4, valueLength), offset));
                if (type == StunAttributeType.MessageIntegrity || type == StunAttributeType.MessageIntegritySha256) afterIntegrity = true;
                offset += 4 + padded;
                if (type == StunAttributeType.Fingerprint && offset != raw.Length)
                    throw new StunFormatException("FINGERPRINT is not the last attribute", offset);
            }
            return new StunMessage(raw, StunMessageType.FromValue(ReadUInt16(raw, 0)), attributes);
        }

        public bool TryGetAttribute(ushort type, out ReadOnlyMemory<byte> value)
        {
            foreach (var attribute in _attributes)
            {
                if (attribute.Type != type) continue;
                value = attribute.Value;
                return true;
            }
            value = default;
            return false;
        }

        public bool HasAttribute(ushort type) => TryGetAttribute(type, out _);

        /// <summary>Comprehension-required attribute types (below 0x8000) not in <paramref name="understood"/>, for a 420 response.</summary>
        public IReadOnlyList<ushort> UnknownComprehensionRequired(ICollection<ushort> understood)
        {
            var unknown = new List<ushort>();
            foreach (var attribute in _attributes)
                if (StunAttributeType.IsComprehensionRequired(attribute.Type) && !understood.Contains(attribute.Type) && !unknown.Contains(attribute.Type))
                    unknown.Add(attribute.Type);
            return unknown;
        }

        public string? Username => TryGetAttribute(StunAttributeType.Username, out var value) ? DecodeUtf8(value.Span, "USERNAME") : null;

        public string? Software => TryGetAttribute(StunAttributeType.Software, out var value) ? DecodeUtf8(value.Span, "SOFTWARE") : null;

        public IPEndPoint? XorMappedAddress => GetXorAddress(StunAttributeType.XorMappedAddress);

        public IPEndPoint? XorPeerAddress => GetXorAddress(StunAttributeType.XorPeerAddress);

        public IPEndPoint? XorRelayedAddress => GetXorAddress(StunAttributeType.XorRelayedAddress);

        /// <summary>Every XOR-PEER-ADDRESS, in order: a TURN CreatePermission may carry several.</summary>
        public IReadOnlyList<IPEndPoint> XorPeerAddresses
        {
            get
            {
                var peers = new List<IPEndPoint>();
                foreach (var attribute in _attributes)
                    if (attribute.Type == StunAttributeType.XorPeerAddress) peers.Add(StunXorAddress.Decode(attribute.Value.Span, TransactionId.Span));
                return peers;
            }
        }

        public string? Realm => TryGetAttribute(StunAttributeType.Realm, out var value) ? DecodeUtf8(value.Span, "REALM") : null;

        public string? Nonce => TryGetAttribute(StunAttributeType.Nonce, out var value) ? DecodeUtf8(value.Span, "NONCE") : null;

        /// <summary>TURN allocation or permission lifetime in seconds.</summary>
        public uint? Lifetime => TryGetAttribute(StunAttributeType.Lifetime, out var value) ? ReadFixedUInt32(value.Span, "LIFETIME") : null;

        private IPEndPoint? GetXorAddress(ushort type) =>
            TryGetAttribute(type, out var value) ? StunXorAddress.Decode(value.Span, TransactionId.Span) : null;

        public uint? Priority => TryGetAttribute(StunAttributeType.Priority, out var value) ? ReadFixedUInt32(value.Span, "PRIORITY") : null;

        public bool UseCandidate => HasAttribute(StunAttributeType.UseCandidate);

        public ulong? IceControlling => TryGetAttribute(StunAttributeType.IceControlling, out var value) ? ReadTieBreaker(value.Span, "ICE-CONTROLLING") : null;

        public ulong? IceControlled => TryGetAttribute(StunAttributeType.IceControlled, out var value) ? ReadTieBreaker(value.Span, "ICE-CONTROLLED") : null;

        public StunErrorCode? ErrorCode
        {
            get
            {
                if (!TryGetAttribute(StunAttributeType.ErrorCode, out var value)) return null;
                var span = value.Span;
                if (span.Length < 4) throw new StunFormatException("ERROR-CODE is too short");
                int @class = span[2] & 0x07, number = span[3];
                if (@class < 3 || @class > 6 || number > 99) throw new StunFormatException("ERROR-CODE is out of range");
                return new StunErrorCode(@class * 100 + number, DecodeUtf8(span.Slice(4), "ERROR-CODE reason"));
            }
        }

        /// <summary>Checks MESSAGE-INTEGRITY-SHA256 when present, else MESSAGE-INTEGRITY; false when neither is present.</summary>
        public bool VerifyIntegrity(byte[] key) =>
            HasAttribute(StunAttributeType.MessageIntegritySha256) ? VerifyMessageIntegritySha256(key) : VerifyMessageIntegrity(key);

        public bool VerifyMessageIntegrity(byte[] key)
        {
            using var hmac = new HMACSHA1(key);
            return VerifyHmac(StunAttributeType.MessageIntegrity, hmac, exactLength: Sha1Length);
        }

        public bool VerifyMessageIntegritySha256(byte[] key)
        {
            using var hmac = new HMACSHA256(key);
            return VerifyHmac(StunAttributeType.MessageIntegritySha256, hmac, exactLength: null);
        }

        public bool HasFingerprint => HasAttribute(StunAttributeType.Fingerprint);

        public bool VerifyFingerprint()
        {
            foreach (var attribute in _attributes)
            {
                if (attribute.Type != StunAttributeType.Fingerprint) continue;
                if (attribute.Value.Length != 4) return false;
                uint expected = ComputeFingerprint(_raw, attribute.Offset);
                return ReadUInt32(attribute.Value.Span, 0) == expected;
            }
            return false;
        }

        private bool VerifyHmac(ushort type, HMAC hmac, int? exactLength)
        {
            foreach (var attribute in _attributes)
            {
                if (attribute.Type != type) continue;
                int length = attribute.Value.Length;
                // RFC 8489 section 14.6: SHA-256 MACs may be truncated to 16..32 bytes in multiples of 4.
                bool lengthOk = exactLength.HasValue ? length == exactLength.Value : length >= 16 && length <= 32 && length % 4 == 0;
                if (!lengthOk) return false;
                byte[] mac = ComputeHmac(hmac, _raw, attribute.Offset, 4 + length);
                return FixedTimeEquals(mac.AsSpan(0, length), attribute.Value.Span);
            }
            return false;
        }

        /// <summary>HMAC over the message up to an integrity attribute, with the header length covering that attribute.</summary>
        internal static byte[] ComputeHmac(HMAC hmac, byte[] message, int attributeOffset, int attributeLength)
        {
            var covered = new byte[attributeOffset];
            Buffer.BlockCopy(message, 0, covered, 0, attributeOffset);
            WriteUInt16(covered, 2, (ushort)(attributeOffset + attributeLength - HeaderLength));
            return hmac.ComputeHash(covered);
        }

        internal static uint ComputeFingerprint(byte[] message, int attributeOffset)
        {
            var covered = new byte[attributeOffset];
            Buffer.BlockCopy(message, 0, covered, 0, attributeOffset);
            WriteUInt16(covered, 2, (ushort)(attributeOffset + 8 - HeaderLength));
            return Crc32.Compute(covered) ^ FingerprintXor;
        }

        private static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            if (a.Length != b.Length) return false;
            int difference = 0;
            for (int i = 0; i < a.Length; i++) difference |= a[i] ^ b[i];
            return difference == 0;
        }

        private static string DecodeUtf8(ReadOnlySpan<byte> value, string name)
        {
            try
            {
                return new UTF8Encoding(false, true).GetString(value.ToArray());
            }
            catch (DecoderFallbackException)
            {
                throw new StunFormatException($"{name} is not valid UTF-8");
            }
        }

        private static uint ReadFixedUInt32(ReadOnlySpan<byte> value, string name)
        {
            if (value.Length != 4) throw new StunFormatException($"{name} must be 4 bytes");
            return ReadUInt32(value, 0);
        }

        private static ulong ReadTieBreaker(ReadOnlySpan<byte> value, string name)
        {
            if (value.Length != 8) throw new StunFormatException($"{name} must be 8 bytes");
            return ((ulong)ReadUInt32(value, 0) << 32) | ReadUInt32(value, 4);
        }

        internal static ushort ReadUInt16(ReadOnlySpan<byte> data, int offset) => (ushort)((data[offset] << 8) | data[offset + 1]);

        internal static uint ReadUInt32(ReadOnlySpan<byte> data, int offset) =>
            ((uint)data[offset] << 24) | ((uint)data[offset + 1] << 16) | ((uint)data[offset + 2] << 8) | data[offset + 3];

        internal static void WriteUInt16(byte[] data, int offset, ushort value)
        {
            data[offset] = (byte)(value >> 8);
            data[offset + 1] = (byte)value;
        }

        public override string ToString() => $"STUN {Type} ({_raw.Length} bytes, {_attributes.Count} attributes)";
    }
}
