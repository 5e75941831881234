using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>
    /// One direction of SRTP/SRTCP (RFC 3711) under one master key and salt, with per-SSRC rollover counters and replay
    /// windows. Protect and unprotect work in place on the caller's buffer and allocate nothing once a stream exists.
    /// Use one instance for sending and another for receiving. Calls are serialized by a lock (uncontended it costs far
    /// less than the cipher), so audio and video senders and a retransmitting RTCP thread may share one instance.
    /// </summary>
    public sealed class SrtpSession : IDisposable
    {
        /// <summary>SSRCs tracked at most; authenticated packets of further SSRCs are dropped, bounding state.</summary>
        public const int MaxStreams = 64;

        private const int IvLength = 16;
        private const int MaxIndex = int.MaxValue; // SRTCP index is 31 bits

        private readonly int _rtpTagLength;
        private readonly AesCounterMode _rtpCipher;
        private readonly IHmacSha1 _rtpAuth;
        private readonly byte[] _rtpSalt = new byte[SrtpProtectionProfiles.MasterSaltLength];
        private readonly AesCounterMode _rtcpCipher;
        private readonly IHmacSha1 _rtcpAuth;
        private readonly byte[] _rtcpSalt = new byte[SrtpProtectionProfiles.MasterSaltLength];
        private readonly Dictionary<uint, SrtpStream> _streams = new Dictionary<uint, SrtpStream>();
        private readonly byte[] _iv = new byte[IvLength];
        private readonly byte[] _mac = new byte[20];
        private readonly byte[] _receivedTag = new byte[SrtpProtectionProfiles.RtcpAuthTagLength];
        private readonly object _gate = new object();

        /// <param name="masterKey">16 bytes. With DTLS-SRTP (RFC 5764 §4.2) the sending session takes this endpoint's write
        /// key and salt, the receiving session the peer's.</param>
        /// <param name="masterSalt">14 bytes.</param>
        public SrtpSession(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
            : this(profile, masterKey, masterSalt, HmacSha1.Create)
        {
        }

        internal SrtpSession(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, HmacFactory createHmac)
        {
            Profile = profile;
            _rtpTagLength = profile.RtpAuthTagLength();
            Span<byte> key = stackalloc byte[20];
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtpEncryption, key.Slice(0, 16));
            _rtpCipher = new AesCounterMode(key.Slice(0, 16));
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtpAuthentication, key);
            _rtpAuth = createHmac(key);
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtpSalt, _rtpSalt);
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtcpEncryption, key.Slice(0, 16));
            _rtcpCipher = new AesCounterMode(key.Slice(0, 16));
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtcpAuthentication, key);
            _rtcpAuth = createHmac(key);
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtcpSalt, _rtcpSalt);
            key.Clear();
        }

        internal delegate IHmacSha1 HmacFactory(ReadOnlySpan<byte> key);

        public SrtpProtectionProfile Profile { get; }

        public SrtpCounters Counters { get; } = new SrtpCounters();

        /// <summary>Bytes <see cref="ProtectRtp"/> appends.</summary>
        public int RtpTrailerLength => _rtpTagLength;

        /// <summary>
        /// Encrypts and authenticates the RTP packet in <c>buffer[..length]</c> in place and appends the tag; the buffer needs
        /// <see cref="RtpTrailerLength"/> spare bytes. Returns the SRTP packet length.
        /// </summary>
        public int ProtectRtp(Span<byte> buffer, int length)
        {
            lock (_gate) return ProtectRtpLocked(buffer, length);
        }

        private int ProtectRtpLocked(Span<byte> buffer, int length)
        {
            if ((uint)length > (uint)buffer.Length) throw new ArgumentOutOfRangeException(nameof(length));
            if (buffer.Length - length < _rtpTagLength) throw new ArgumentException("No room for the SRTP tag.", nameof(buffer));
            if (!RtpPacket.TryGetHeaderLength(buffer.Slice(0, length), out int headerLength)) throw new ArgumentException("Not an RTP packet.", nameof(buffer));
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(8));
            var stream = GetOrAddStream(ssrc) ?? throw new InvalidOperationException($"More than {MaxStreams} SSRCs in one SRTP session.");
            long index = stream.EstimateIndex(BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2)));
            if (index < 0) throw new InvalidOperationException("Sequence number precedes the stream's first packet.");

            _rtpCipher.Transform(RtpIv(ssrc, index), buffer.Slice(headerLength, length - headerLength));
            ComputeRtpTag(buffer, length, index, buffer.Slice(length, _rtpTagLength));
            stream.RtpWindow.Accept(index);
            Counters.RtpProtected++;
            return length + _rtpTagLength;
        }

        /// <summary>
        /// Verifies and decrypts the SRTP packet in <c>buffer[..length]</c> in place. Returns false, counting why, for
        /// malformed, unauthentic and replayed packets; otherwise <paramref name="rtpLength"/> is the plain RTP length.
        /// </summary>
        public bool TryUnprotectRtp(Span<byte> buffer, int length, out int rtpLength)
        {
            lock (_gate) return TryUnprotectRtpLocked(buffer, length, out rtpLength);
        }

        private bool TryUnprotectRtpLocked(Span<byte> buffer, int length, out int rtpLength)
        {
            rtpLength = 0;
            if ((uint)length > (uint)buffer.Length || length < RtpHeader.FixedLength + _rtpTagLength
                || !RtpPacket.TryGetHeaderLength(buffer.Slice(0, length - _rtpTagLength), out int headerLength))
            {
                Counters.MalformedDropped++;
                return false;
            }
            int authenticated = length - _rtpTagLength;
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(8));
            _streams.TryGetValue(ssrc, out var stream);
            ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2));
            long index = stream?.EstimateIndex(sequence) ?? sequence;
            if (index < 0 || (stream != null && !stream.RtpWindow.IsFresh(index)))
            {
                Counters.ReplaysDropped++;
                return false;
            }

            var tag = _receivedTag.AsSpan(0, _rtpTagLength);
            buffer.Slice(authenticated, _rtpTagLength).CopyTo(tag);
            ComputeRtpTag(buffer, authenticated, index, _mac.AsSpan(0, _rtpTagLength));
            if (!FixedTimeEquals(tag, _mac.AsSpan(0, _rtpTagLength)))
            {
                Counters.AuthenticationFailures++;
                return false;
            }
            if (stream == null && (stream = GetOrAddStream(ssrc)) == null)
            {
                Counters.StreamLimitDropped++;
                return false;
            }
            _rtpCipher.Transform(RtpIv(ssrc, index), buffer.Slice(headerLength, authenticated - headerLength));
            stream.RtpWindow.Accept(index);
            Counters.RtpUnprotected++;
            rtpLength = authenticated;
            return true;
        }

        /// <summary>
        /// Encrypts and authenticates the (compound) RTCP packet in <c>buffer[..length]</c> in place, appending the E flag,
        /// SRTCP index and tag; the buffer needs <see cref="SrtpProtectionProfiles.MaxTrailerLength"/> spare bytes.
        /// </summary>
        public int ProtectRtcp(Span<byte> buffer, int length)
        {
            lock (_gate) return ProtectRtcpLocked(buffer, length);
        }

        private int ProtectRtcpLocked(Span<byte> buffer, int length)
        {
            if ((uint)length > (uint)buffer.Length) throw new ArgumentOutOfRangeException(nameof(length));
            if (buffer.Length - length < SrtpProtectionProfiles.MaxTrailerLength) throw new ArgumentException("No room for the SRTCP trailer.", nameof(buffer));
            if (length < 8) throw new ArgumentException("Not an RTCP packet.", nameof(buffer));
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(4));
            var stream = GetOrAddStream(ssrc) ?? throw new InvalidOperationException($"More than {MaxStreams} SSRCs in one SRTP session.");
            if (stream.NextRtcpIndex > MaxIndex) throw new InvalidOperationException("SRTCP index exhausted; the session must be re-keyed.");
            uint index = stream.NextRtcpIndex++;

            _rtcpCipher.Transform(RtcpIv(ssrc, index), buffer.Slice(8, length - 8));
            BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(length), 0x80000000u | index);
            int authenticated = length + SrtpProtectionProfiles.RtcpIndexLength;
            _rtcpAuth.Compute(buffer.Slice(0, authenticated), buffer.Slice(authenticated, SrtpProtectionProfiles.RtcpAuthTagLength));
            Counters.RtcpProtected++;
            return authenticated + SrtpProtectionProfiles.RtcpAuthTagLength;
        }

        /// <summary>Verifies and decrypts an SRTCP packet in place; false (counted) for malformed, unauthentic and replayed packets.</summary>
        public bool TryUnprotectRtcp(Span<byte> buffer, int length, out int rtcpLength)
        {
            lock (_gate) return TryUnprotectRtcpLocked(buffer, length, out rtcpLength);
        }

        private bool TryUnprotectRtcpLocked(Span<byte> buffer, int length, out int rtcpLength)
        {
            rtcpLength = 0;
            const int trailer = SrtpProtectionProfiles.MaxTrailerLength;
            if ((uint)length > (uint)buffer.Length || length < 8 + trailer)
            {
                Counters.MalformedDropped++;
                return false;
            }
            int authenticated = length - SrtpProtectionProfiles.RtcpAuthTagLength;
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(4));
            uint word = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(authenticated - SrtpProtectionProfiles.RtcpIndexLength));
            uint index = word & 0x7FFFFFFF;
            _streams.TryGetValue(ssrc, out var stream);
            if (stream != null && !stream.RtcpWindow.IsFresh(index))
            {
                Counters.ReplaysDropped++;
                return false;
            }
            _rtcpAuth.Compute(buffer.Slice(0, authenticated), _mac);
            if (!FixedTimeEquals(buffer.Slice(authenticated, SrtpProtectionProfiles.RtcpAuthTagLength), _mac.AsSpan(0, SrtpProtectionProfiles.RtcpAuthTagLength)))
            {
                Counters.AuthenticationFailures++;
                return false;
            }
            if (stream == null && (stream = GetOrAddStream(ssrc)) == null)
            {
                Counters.StreamLimitDropped++;
                return false;
            }
            rtcpLength = authenticated - SrtpProtectionProfiles.RtcpIndexLength;
            if ((word & 0x80000000) != 0) _rtcpCipher.Transform(RtcpIv(ssrc, index), buffer.Slice(8, rtcpLength - 8));
            stream.RtcpWindow.Accept(index);
            Counters.RtcpUnprotected++;
            return true;
        }

        public void Dispose()
        {
            lock (_gate) DisposeLocked();
        }

        private void DisposeLocked()
        {
            _rtpCipher.Dispose();
            _rtpAuth.Dispose();
            _rtcpCipher.Dispose();
            _rtcpAuth.Dispose();
        }

        private SrtpStream? GetOrAddStream(uint ssrc)
        {
            if (_streams.TryGetValue(ssrc, out var stream)) return stream;
            if (_streams.Count >= MaxStreams) return null;
            stream = new SrtpStream();
            _streams.Add(ssrc, stream);
            return stream;
        }

        /// <summary>HMAC over header, payload and ROC (RFC 3711 §4.2): the ROC goes into the tag's room so the input is contiguous.</summary>
        private void ComputeRtpTag(Span<byte> buffer, int length, long index, Span<byte> tag)
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(length), (uint)(index >> 16));
            _rtpAuth.Compute(buffer.Slice(0, length + 4), _mac);
            _mac.AsSpan(0, tag.Length).CopyTo(tag);
        }

        // IV = (salt·2^16) XOR (SSRC·2^64) XOR (index·2^16), RFC 3711 §4.1.1.
        private ReadOnlySpan<byte> RtpIv(uint ssrc, long index) => Iv(_rtpSalt, ssrc, (ulong)index);

        private ReadOnlySpan<byte> RtcpIv(uint ssrc, uint index) => Iv(_rtcpSalt, ssrc, index);

        private ReadOnlySpan<byte> Iv(byte[] salt, uint ssrc, ulong index)
        {
            var iv = _iv.AsSpan();
            salt.AsSpan().CopyTo(iv);
            iv[14] = 0;
            iv[15] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(4), BinaryPrimitives.ReadUInt32BigEndian(iv.Slice(4)) ^ ssrc);
            BinaryPrimitives.WriteUInt16BigEndian(iv.Slice(8), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(iv.Slice(8)) ^ (ushort)(index >> 32)));
            BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(10), BinaryPrimitives.ReadUInt32BigEndian(iv.Slice(10)) ^ (uint)index);
            return iv;
        }

        private static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            int difference = a.Length ^ b.Length;
            for (int i = 0; i < a.Length && i < b.Length; i++) difference |= a[i] ^ b[i];
            return difference == 0;
        }
    }
}
