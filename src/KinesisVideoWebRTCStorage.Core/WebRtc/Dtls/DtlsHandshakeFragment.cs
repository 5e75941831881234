using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>
    /// The 12-byte header of a DTLS handshake fragment (RFC 6347 section 4.2.2): message type, message length, message
    /// sequence, fragment offset and fragment length. Plaintext (epoch 0) handshake records are vetted with it before
    /// the TLS engine believes their lengths: BouncyCastle sets a buffer of the announced message length aside for the
    /// first fragment of each message it expects, and keeps waiting for a message no peer will finish, so one forged
    /// fragment announcing 16 MB per expected message costs 256 MB and stalls the handshake.
    /// </summary>
    public readonly struct DtlsHandshakeFragment
    {
        public const int HeaderLength = 12;

        /// <summary>
        /// Far above any handshake message a WebRTC peer sends (a ClientHello or a certificate message with one
        /// self-signed certificate is a few KB), and BouncyCastle's own default for TLS.
        /// </summary>
        public const int MaxMessageLength = 32 * 1024;

        private DtlsHandshakeFragment(byte messageType, int messageLength, ushort messageSequence, int fragmentOffset, int fragmentLength)
        {
            MessageType = messageType;
            MessageLength = messageLength;
            MessageSequence = messageSequence;
            FragmentOffset = fragmentOffset;
            FragmentLength = fragmentLength;
        }

        public byte MessageType { get; }
        public int MessageLength { get; }
        public ushort MessageSequence { get; }
        public int FragmentOffset { get; }
        public int FragmentLength { get; }

        /// <summary>Reads the fragment header at the start of <paramref name="data"/> and checks its lengths.</summary>
        public static DtlsHandshakeFragment Parse(ReadOnlySpan<byte> data)
        {
            if (data.Length < HeaderLength) throw new DtlsFormatException("handshake fragment is shorter than its header", data.Length);
            int messageLength = UInt24(data.Slice(1));
            int offset = UInt24(data.Slice(6));
            int length = UInt24(data.Slice(9));
            if (messageLength > MaxMessageLength)
                throw new DtlsFormatException($"handshake message announces {messageLength} bytes, more than the {MaxMessageLength} any WebRTC peer sends", 1);
            if (offset + length > messageLength) throw new DtlsFormatException("handshake fragment runs past the end of its message", 6);
            if (length > data.Length - HeaderLength) throw new DtlsFormatException("handshake fragment runs past the end of its record", 9);
            return new DtlsHandshakeFragment(data[0], messageLength, (ushort)((data[4] << 8) | data[5]), offset, length);
        }

        /// <summary>Checks every fragment in the body of a plaintext handshake record.</summary>
        public static void VetRecord(ReadOnlySpan<byte> body)
        {
            int offset = 0;
            while (offset < body.Length)
            {
                try
                {
                    offset += HeaderLength + Parse(body.Slice(offset)).FragmentLength;
                }
                catch (DtlsFormatException e)
                {
                    throw new DtlsFormatException(e.Message, offset + Math.Max(0, e.Offset));
                }
            }
        }

        private static int UInt24(ReadOnlySpan<byte> data) => (data[0] << 16) | (data[1] << 8) | data[2];

        public override string ToString() =>
            $"DTLS handshake type {MessageType} seq {MessageSequence}: bytes {FragmentOffset}-{FragmentOffset + FragmentLength} of {MessageLength}";
    }
}
