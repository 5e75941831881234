using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>
    /// One direction of SRTP/SRTCP (RFC 3711; AES-GCM per RFC 7714) under one master key and salt, with per-SSRC rollover counters and replay
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
        private readonly byte[] _rtpSalt;
        private readonly byte[] _rtcpSalt;
        // AES-CM with HMAC-SHA1, or AES-GCM: one pair is set.
        private readonly AesCounterMode? _rtpCipher;
        private readonly IHmacSha1? _rtpAuth;
        private readonly AesCounterMode? _rtcpCipher;
        private readonly IHmacSha1? _rtcpAuth;
        private AesGcmAead? _rtpAead;
        private AesGcmAead? _rtcpAead;
        private readonly Dictionary<uint, SrtpStream> _streams = new Dictionary<uint, SrtpStream>();
        private readonly byte[] _iv = new byte[IvLength];
        private readonly byte[] _mac = new byte[20];
        private readonly byte[] _receivedTag = new byte[SrtpProtectionProfiles.RtcpAuthTagLength];
        private readonly object _gate = new object();

        /// <param name="masterKey">16 bytes (32 for AEAD_AES_256_GCM). With DTLS-SRTP (RFC 5764 §4.2) the sending session
        /// takes this endpoint's write key and salt, the receiving session the peer's.</param>
        /// <param name="masterSalt">14 bytes for AES-CM, 12 for AES-GCM.</param>
        public SrtpSession(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
            : this(profile, masterKey, masterSalt, HmacSha1.Create)
        {
        }

        /// <param name="managedAead">Use BouncyCastle's AES-GCM even where the platform has one (to test the fallback).</param>
        internal SrtpSession(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, HmacFactory createHmac, bool managedAead = false)
            : this(profile)
        {
            if (masterKey.Length != profile.MasterKeyLength()) throw new ArgumentException($"{profile} needs a {profile.MasterKeyLength()}-byte master key.", nameof(masterKey));
            if (masterSalt.Length != profile.MasterSaltLength()) throw new ArgumentException($"{profile} needs a {profile.MasterSaltLength()}-byte master salt.", nameof(masterSalt));
            Span<byte> key = stackalloc byte[32];
            if (profile.IsAead())
            {
                // RFC 7714 §11: no authentication keys; the session keys are as long as the master key, the salts 96 bits.
                var sessionKey = key.Slice(0, masterKey.Length);
                SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtpEncryption, sessionKey);
                _rtpAead = new AesGcmAead(sessionKey, managedAead);
                SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtpSalt, _rtpSalt);
                SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtcpEncryption, sessionKey);
                _rtcpAead = new AesGcmAead(sessionKey, managedAead);
                SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtcpSalt, _rtcpSalt);
                key.Clear();
                return;
            }
            key = key.Slice(0, 20);
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

        private SrtpSession(SrtpProtectionProfile profile)
        {
            Profile = profile;
            _rtpTagLength = profile.RtpAuthTagLength();
            _rtpSalt = new byte[profile.MasterSaltLength()];
            _rtcpSalt = new byte[profile.MasterSaltLength()];
        }

        /// <summary>An AES-GCM session from session keys and salts as RFC 7714's test vectors give them (no key derivation).</summary>
        internal static SrtpSession FromAeadSessionKeys(SrtpProtectionProfile profile, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt, bool managedAead)
        {
            if (!profile.IsAead()) throw new ArgumentOutOfRangeException(nameof(profile));
            var session = new SrtpSession(profile) { _rtpAead = new AesGcmAead(key, managedAead), _rtcpAead = new AesGcmAead(key, managedAead) };
            salt.CopyTo(session._rtpSalt);
            salt.CopyTo(session._rtcpSalt);
            return session;
        }

        /// <summary>The SRTCP index the next protected packet of <paramref name="ssrc"/> takes (as a test vector's sender left it).</summary>
        internal void SetNextRtcpIndex(uint ssrc, uint index)
        {
            lock (_gate) GetOrAddStream(ssrc)!.NextRtcpIndex = index;
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

            if (_rtpAead != null)
            {
                _rtpAead.Encrypt(RtpNonce(ssrc, index), buffer.Slice(headerLength, length - headerLength), buffer.Slice(length, _rtpTagLength), buffer.Slice(0, headerLength));
            }
            else
            {
                _rtpCipher!.Transform(RtpIv(ssrc, index), buffer.Slice(headerLength, length - headerLength));
                ComputeRtpTag(buffer, length, index, buffer.Slice(length, _rtpTagLength));
            }
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

            if (_rtpAead != null)
            {
                // The tag covers header and payload; only a packet that passes is decrypted, and so only then altered.
                if (!_rtpAead.TryDecrypt(RtpNonce(ssrc, index), buffer.Slice(headerLength, authenticated - headerLength), buffer.Slice(authenticated, _rtpTagLength), buffer.Slice(0, headerLength)))
                {
                    Counters.AuthenticationFailures++;
                    return false;
                }
            }
            else
            {
                var tag = _receivedTag.AsSpan(0, _rtpTagLength);
                buffer.Slice(authenticated, _rtpTagLength).CopyTo(tag);
                ComputeRtpTag(buffer, authenticated, index, _mac.AsSpan(0, _rtpTagLength));
                if (!FixedTimeEquals(tag, _mac.AsSpan(0, _rtpTagLength)))
                {
                    Counters.AuthenticationFailures++;
                    return false;
                }
            }
            if (stream == null && (stream = GetOrAddStream(ssrc)) == null)
            {
                Counters.StreamLimitDropped++;
                return false;
            }
            _rtpCipher?.Transform(RtpIv(ssrc, index), buffer.Slice(headerLength, authenticated - headerLength));
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

            if (_rtcpAead != null)
            {
                // RFC 7714 §9.1: header, ciphertext, tag, then the E flag and index, which are authenticated as AAD.
                Span<byte> associated = stackalloc byte[8 + SrtpProtectionProfiles.RtcpIndexLength];
                WriteRtcpAssociatedData(buffer, 0x80000000u | index, associated);
                _rtcpAead.Encrypt(RtcpNonce(ssrc, index), buffer.Slice(8, length - 8), buffer.Slice(length, SrtpProtectionProfiles.AeadTagLength), associated);
                BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(length + SrtpProtectionProfiles.AeadTagLength), 0x80000000u | index);
                Counters.RtcpProtected++;
                return length + SrtpProtectionProfiles.AeadTagLength + SrtpProtectionProfiles.RtcpIndexLength;
            }
            _rtcpCipher!.Transform(RtcpIv(ssrc, index), buffer.Slice(8, length - 8));
            BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(length), 0x80000000u | index);
            int authenticated = length + SrtpProtectionProfiles.RtcpIndexLength;
            _rtcpAuth!.Compute(buffer.Slice(0, authenticated), buffer.Slice(authenticated, SrtpProtectionProfiles.RtcpAuthTagLength));
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
            int tagLength = _rtcpAead != null ? SrtpProtectionProfiles.AeadTagLength : SrtpProtectionProfiles.RtcpAuthTagLength;
            int trailer = tagLength + SrtpProtectionProfiles.RtcpIndexLength;
            if ((uint)length > (uint)buffer.Length || length < 8 + trailer)
            {
                Counters.MalformedDropped++;
                return false;
            }
            // AES-CM: header, payload, E and index, tag. AES-GCM: header, payload, tag, E and index.
            int indexAt = _rtcpAead != null ? length - SrtpProtectionProfiles.RtcpIndexLength : length - tagLength - SrtpProtectionProfiles.RtcpIndexLength;
            int tagAt = _rtcpAead != null ? length - trailer : length - tagLength;
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(4));
            uint word = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(indexAt));
            uint index = word & 0x7FFFFFFF;
            bool encrypted = (word & 0x80000000) != 0;
            _streams.TryGetValue(ssrc, out var stream);
            if (stream != null && !stream.RtcpWindow.IsFresh(index))
            {
                Counters.ReplaysDropped++;
                return false;
            }
            rtcpLength = length - trailer;
            bool authentic;
            if (_rtcpAead != null)
            {
                authentic = encrypted
                    ? TryDecryptRtcp(buffer, rtcpLength, word, ssrc, index)
                    : TryAuthenticateClearRtcp(buffer, rtcpLength, word, ssrc, index);
            }
            else
            {
                _rtcpAuth!.Compute(buffer.Slice(0, tagAt), _mac);
                authentic = FixedTimeEquals(buffer.Slice(tagAt, tagLength), _mac.AsSpan(0, tagLength));
            }
            if (!authentic)
            {
                rtcpLength = 0;
                Counters.AuthenticationFailures++;
                return false;
            }
            if (stream == null && (stream = GetOrAddStream(ssrc)) == null)
            {
                rtcpLength = 0;
                Counters.StreamLimitDropped++;
                return false;
            }
            if (encrypted) _rtcpCipher?.Transform(RtcpIv(ssrc, index), buffer.Slice(8, rtcpLength - 8));
            stream.RtcpWindow.Accept(index);
            Counters.RtcpUnprotected++;
            return true;
        }

        private bool TryDecryptRtcp(Span<byte> buffer, int rtcpLength, uint word, uint ssrc, uint index)
        {
            Span<byte> associated = stackalloc byte[8 + SrtpProtectionProfiles.RtcpIndexLength];
            WriteRtcpAssociatedData(buffer, word, associated);
            return _rtcpAead!.TryDecrypt(RtcpNonce(ssrc, index), buffer.Slice(8, rtcpLength - 8), buffer.Slice(rtcpLength, SrtpProtectionProfiles.AeadTagLength), associated);
        }

        /// <summary>Encrypted SRTCP's associated data under AES-GCM: its 8-byte header, then the E flag and index word.</summary>
        private static void WriteRtcpAssociatedData(ReadOnlySpan<byte> buffer, uint word, Span<byte> associated)
        {
            buffer.Slice(0, 8).CopyTo(associated);
            BinaryPrimitives.WriteUInt32BigEndian(associated.Slice(8), word);
        }

        /// <summary>Unencrypted SRTCP under AES-GCM (RFC 7714 §9.2): the whole packet and the index word are associated data.</summary>
        private bool TryAuthenticateClearRtcp(Span<byte> buffer, int rtcpLength, uint word, uint ssrc, uint index)
        {
            var associated = System.Buffers.ArrayPool<byte>.Shared.Rent(rtcpLength + SrtpProtectionProfiles.RtcpIndexLength);
            try
            {
                buffer.Slice(0, rtcpLength).CopyTo(associated);
                BinaryPrimitives.WriteUInt32BigEndian(associated.AsSpan(rtcpLength), word);
                return _rtcpAead!.TryDecrypt(RtcpNonce(ssrc, index), Span<byte>.Empty, buffer.Slice(rtcpLength, SrtpProtectionProfiles.AeadTagLength),
                    associated.AsSpan(0, rtcpLength + SrtpProtectionProfiles.RtcpIndexLength));
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(associated);
            }
        }

        public void Dispose()
        {
            lock (_gate) DisposeLocked();
        }

        private void DisposeLocked()
        {
            _rtpCipher?.Dispose();
            _rtpAuth?.Dispose();
            _rtcpCipher?.Dispose();
            _rtcpAuth?.Dispose();
            _rtpAead?.Dispose();
            _rtcpAead?.Dispose();
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
            _rtpAuth!.Compute(buffer.Slice(0, length + 4), _mac);
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

        // AES-GCM's 96-bit IV (RFC 7714 §8.1, §9.1): 00 00 || SSRC || ROC || SEQ for RTP, 00 00 || SSRC || 00 00 || index
        // for RTCP, each XORed with the session salt.
        private ReadOnlySpan<byte> RtpNonce(uint ssrc, long index) => Nonce(_rtpSalt, ssrc, (ulong)index);

        private ReadOnlySpan<byte> RtcpNonce(uint ssrc, uint index) => Nonce(_rtcpSalt, ssrc, index);

        private ReadOnlySpan<byte> Nonce(byte[] salt, uint ssrc, ulong tail)
        {
            var nonce = _iv.AsSpan(0, AesGcmAead.NonceLength);
            nonce.Clear();
            BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(2), ssrc);
            BinaryPrimitives.WriteUInt16BigEndian(nonce.Slice(6), (ushort)(tail >> 32));
            BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(8), (uint)tail);
            for (int i = 0; i < nonce.Length; i++) nonce[i] ^= salt[i];
            return nonce;
        }

        private static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            int difference = a.Length ^ b.Length;
            for (int i = 0; i < a.Length && i < b.Length; i++) difference |= a[i] ^ b[i];
            return difference == 0;
        }
    }
}
