using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    /// <summary>
    /// Writes a STUN message attribute by attribute. Integrity and fingerprint attributes are computed over what has
    /// been written so far, so add them last: MESSAGE-INTEGRITY, then MESSAGE-INTEGRITY-SHA256, then FINGERPRINT.
    /// </summary>
    public sealed class StunMessageBuilder
    {
        private readonly MemoryStream _buffer = new MemoryStream();
        private readonly byte[] _transactionId;
        private readonly byte _padding;

        /// <param name="paddingByte">Padding content is arbitrary (RFC 8489 section 14); RFC 5769 vectors use spaces.</param>
        public StunMessageBuilder(StunMessageType type, ReadOnlySpan<byte> transactionId, byte paddingByte = 0)
        {
            if (transactionId.Length != StunMessage.TransactionIdLength) throw new ArgumentException("A transaction id is 12 bytes.", nameof(transactionId));
            _transactionId = transactionId.ToArray();
            _padding = paddingByte;
            var header = new byte[StunMessage.HeaderLength];
            StunMessage.WriteUInt16(header, 0, type.Value);
            WriteUInt32(header, 4, StunMessage.MagicCookie);
            Buffer.BlockCopy(_transactionId, 0, header, 8, _transactionId.Length);
            _buffer.Write(header, 0, header.Length);
        }

        public static byte[] NewTransactionId()
        {
            var id = new byte[StunMessage.TransactionIdLength];
            using var rng = RandomNumberGenerator.Create();
            rng.GetBytes(id);
            return id;
        }

        public StunMessageBuilder Add(ushort type, ReadOnlySpan<byte> value)
        {
            if (value.Length > ushort.MaxValue) throw new ArgumentException("An attribute value is at most 65535 bytes.", nameof(value));
            var header = new byte[4];
            StunMessage.WriteUInt16(header, 0, type);
            StunMessage.WriteUInt16(header, 2, (ushort)value.Length);
            _buffer.Write(header, 0, 4);
            _buffer.Write(value.ToArray(), 0, value.Length);
            for (int i = value.Length; (i & 3) != 0; i++) _buffer.WriteByte(_padding);
            return this;
        }

        public StunMessageBuilder AddUsername(string username) => Add(StunAttributeType.Username, Encoding.UTF8.GetBytes(username));

        public StunMessageBuilder AddSoftware(string software) => Add(StunAttributeType.Software, Encoding.UTF8.GetBytes(software));

        public StunMessageBuilder AddXorMappedAddress(IPEndPoint endpoint) => AddXorAddress(StunAttributeType.XorMappedAddress, endpoint);

        /// <summary>XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS or XOR-RELAYED-ADDRESS, which share one encoding.</summary>
        public StunMessageBuilder AddXorAddress(ushort type, IPEndPoint endpoint)
        {
            if (!StunXorAddress.IsSupported(endpoint)) throw new ArgumentException("Only IPv4 and IPv6 addresses can be encoded.", nameof(endpoint));
            return Add(type, StunXorAddress.Encode(endpoint, _transactionId));
        }

        public StunMessageBuilder AddRealm(string realm) => Add(StunAttributeType.Realm, Encoding.UTF8.GetBytes(realm));

        public StunMessageBuilder AddNonce(string nonce) => Add(StunAttributeType.Nonce, Encoding.UTF8.GetBytes(nonce));

        public StunMessageBuilder AddLifetime(uint seconds) => AddUInt32(StunAttributeType.Lifetime, seconds);

        /// <summary>REQUESTED-TRANSPORT: the IANA protocol number (17 for UDP) followed by three reserved bytes.</summary>
        public StunMessageBuilder AddRequestedTransport(byte protocol) => Add(StunAttributeType.RequestedTransport, new byte[] { protocol, 0, 0, 0 });

        public StunMessageBuilder AddPriority(uint priority) => AddUInt32(StunAttributeType.Priority, priority);

        private StunMessageBuilder AddUInt32(ushort type, uint number)
        {
            var value = new byte[4];
            WriteUInt32(value, 0, number);
            return Add(type, value);
        }

        public StunMessageBuilder AddUseCandidate() => Add(StunAttributeType.UseCandidate, ReadOnlySpan<byte>.Empty);

        public StunMessageBuilder AddIceControlling(ulong tieBreaker) => Add(StunAttributeType.IceControlling, TieBreaker(tieBreaker));

        public StunMessageBuilder AddIceControlled(ulong tieBreaker) => Add(StunAttributeType.IceControlled, TieBreaker(tieBreaker));

        public StunMessageBuilder AddErrorCode(int code, string reason)
        {
            if (code < 300 || code > 699) throw new ArgumentOutOfRangeException(nameof(code));
            byte[] text = Encoding.UTF8.GetBytes(reason);
            var value = new byte[4 + text.Length];
            value[2] = (byte)(code / 100);
            value[3] = (byte)(code % 100);
            Buffer.BlockCopy(text, 0, value, 4, text.Length);
            return Add(StunAttributeType.ErrorCode, value);
        }

        public StunMessageBuilder AddUnknownAttributes(IReadOnlyList<ushort> types)
        {
            var value = new byte[2 * types.Count];
            for (int i = 0; i < types.Count; i++) StunMessage.WriteUInt16(value, 2 * i, types[i]);
            return Add(StunAttributeType.UnknownAttributes, value);
        }

        public StunMessageBuilder AddMessageIntegrity(byte[] key)
        {
            using var hmac = new HMACSHA1(key);
            return AddHmac(StunAttributeType.MessageIntegrity, hmac);
        }

        public StunMessageBuilder AddMessageIntegritySha256(byte[] key)
        {
            using var hmac = new HMACSHA256(key);
            return AddHmac(StunAttributeType.MessageIntegritySha256, hmac);
        }

        public StunMessageBuilder AddFingerprint()
        {
            var value = new byte[4];
            WriteUInt32(value, 0, StunMessage.ComputeFingerprint(_buffer.ToArray(), (int)_buffer.Length));
            return Add(StunAttributeType.Fingerprint, value);
        }

        public byte[] ToArray()
        {
            byte[] message = _buffer.ToArray();
            StunMessage.WriteUInt16(message, 2, (ushort)(message.Length - StunMessage.HeaderLength));
            return message;
        }

        private StunMessageBuilder AddHmac(ushort type, HMAC hmac)
        {
            int macLength = hmac.HashSize / 8;
            return Add(type, StunMessage.ComputeHmac(hmac, _buffer.ToArray(), (int)_buffer.Length, 4 + macLength));
        }

        private static byte[] TieBreaker(ulong value)
        {
            var bytes = new byte[8];
            WriteUInt32(bytes, 0, (uint)(value >> 32));
            WriteUInt32(bytes, 4, (uint)value);
            return bytes;
        }

        private static void WriteUInt32(byte[] data, int offset, uint value)
        {
            data[offset] = (byte)(value >> 24);
            data[offset + 1] = (byte)(value >> 16);
            data[offset + 2] = (byte)(value >> 8);
            data[offset + 3] = (byte)value;
        }
    }
}
