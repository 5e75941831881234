using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>
    /// A parsed RTP packet (RFC 3550 §5.1) as a view over the caller's bytes: parsing copies nothing, so it is usable on
    /// the receive hot path. The spans stay valid only as long as the underlying buffer.
    /// </summary>
    public readonly ref struct RtpPacket
    {
        private readonly ReadOnlySpan<byte> _csrcs;

        private RtpPacket(RtpHeader header, ReadOnlySpan<byte> csrcs, bool hasExtension, ushort extensionProfile,
            ReadOnlySpan<byte> extensionBody, ReadOnlySpan<byte> payload, int paddingLength, int headerLength)
        {
            Header = header;
            _csrcs = csrcs;
            HasExtension = hasExtension;
            ExtensionProfile = extensionProfile;
            ExtensionBody = extensionBody;
            Payload = payload;
            PaddingLength = paddingLength;
            HeaderLength = headerLength;
        }

        public RtpHeader Header { get; }

        public int CsrcCount => _csrcs.Length / 4;

        public bool HasExtension { get; }

        public ushort ExtensionProfile { get; }

        /// <summary>The extension's elements without the 4-byte profile/length word.</summary>
        public ReadOnlySpan<byte> ExtensionBody { get; }

        public ReadOnlySpan<byte> Payload { get; }

        public int PaddingLength { get; }

        /// <summary>Bytes before the payload: fixed header, CSRCs and extension.</summary>
        public int HeaderLength { get; }

        public uint GetCsrc(int index)
        {
            if ((uint)index >= (uint)CsrcCount) throw new ArgumentOutOfRangeException(nameof(index));
            return BinaryPrimitives.ReadUInt32BigEndian(_csrcs.Slice(index * 4));
        }

        /// <summary>Looks up an RFC 8285 extension element by id (one-byte or two-byte form).</summary>
        public bool TryGetExtension(int id, out ReadOnlySpan<byte> value) =>
            RtpExtensionElements.TryFind(ExtensionProfile, ExtensionBody, id, out value);

        public static RtpPacket Parse(ReadOnlySpan<byte> data)
        {
            if (!TryParse(data, out var packet, out string? error, out int offset)) throw new RtpFormatException(error!, offset);
            return packet;
        }

        /// <summary>Parses without throwing; for drop-and-count receive paths.</summary>
        public static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet) => TryParse(data, out packet, out _, out _);

        private static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet, out string? error, out int offset)
        {
            packet = default;
            offset = 0;
            if (data.Length < RtpHeader.FixedLength) { error = "shorter than the fixed header"; return false; }
            byte first = data[0];
            if (first >> 6 != RtpHeader.Version) { error = "version is not 2"; return false; }
            if (!TryGetHeaderLength(data, out int position)) { error = "CSRC list or extension runs past the end"; offset = RtpHeader.FixedLength; return false; }
            int csrcCount = first & 0x0F;
            var csrcs = data.Slice(RtpHeader.FixedLength, csrcCount * 4);
            bool hasExtension = (first & 0x10) != 0;
            ushort profile = 0;
            ReadOnlySpan<byte> extensionBody = default;
            if (hasExtension)
            {
                int extensionStart = RtpHeader.FixedLength + csrcCount * 4;
                profile = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(extensionStart));
                extensionBody = data.Slice(extensionStart + 4, position - extensionStart - 4);
            }

            int padding = 0;
            if ((first & 0x20) != 0)
            {
                padding = data[data.Length - 1];
                // RFC 3550: the last octet counts itself, so zero is invalid.
                if (padding == 0 || padding > data.Length - position) { error = "bad padding length"; offset = data.Length - 1; return false; }
            }

            var header = new RtpHeader((byte)(data[1] & 0x7F), BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2)),
                BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4)), BinaryPrimitives.ReadUInt32BigEndian(data.Slice(8)), (data[1] & 0x80) != 0);
            packet = new RtpPacket(header, csrcs, hasExtension, profile, extensionBody, data.Slice(position, data.Length - position - padding), padding, position);
            error = null;
            return true;
        }

        /// <summary>
        /// The length of fixed header, CSRCs and extension, checked against <paramref name="data"/>'s length but without
        /// looking at the payload or padding: SRTP needs it while the payload is still encrypted.
        /// </summary>
        public static bool TryGetHeaderLength(ReadOnlySpan<byte> data, out int length)
        {
            length = 0;
            if (data.Length < RtpHeader.FixedLength) return false;
            int position = RtpHeader.FixedLength + (data[0] & 0x0F) * 4;
            if ((data[0] & 0x10) != 0)
            {
                if (data.Length - position < 4) return false;
                position += 4 + BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position + 2)) * 4;
            }
            if (position > data.Length) return false;
            length = position;
            return true;
        }

        /// <summary>The serialized size of a packet with these parts.</summary>
        public static int GetLength(int csrcCount, int extensionBodyLength, bool hasExtension, int payloadLength, int paddingLength) =>
            RtpHeader.FixedLength + csrcCount * 4 + (hasExtension ? 4 + Pad4(extensionBodyLength) : 0) + payloadLength + paddingLength;

        /// <summary>
        /// Serializes a full packet. An extension is written when <paramref name="extensionProfile"/> is non-zero; its body is
        /// zero-padded to a 32-bit boundary. Returns the number of bytes written.
        /// </summary>
        public static int Write(Span<byte> destination, in RtpHeader header, ReadOnlySpan<byte> payload, ReadOnlySpan<uint> csrcs = default,
            ushort extensionProfile = 0, ReadOnlySpan<byte> extensionBody = default, int paddingLength = 0)
        {
            if (csrcs.Length > 15) throw new ArgumentException("At most 15 CSRCs.", nameof(csrcs));
            if (paddingLength < 0 || paddingLength > 255) throw new ArgumentOutOfRangeException(nameof(paddingLength));
            bool hasExtension = extensionProfile != 0;
            int extensionWords = Pad4(extensionBody.Length) / 4;
            if (extensionWords > ushort.MaxValue) throw new ArgumentException("Extension too long.", nameof(extensionBody));
            int length = GetLength(csrcs.Length, extensionBody.Length, hasExtension, payload.Length, paddingLength);
            if (destination.Length < length) throw new ArgumentException("Destination too small for the RTP packet.", nameof(destination));

            header.WriteFixed(destination);
            destination[0] |= (byte)((paddingLength > 0 ? 0x20 : 0) | (hasExtension ? 0x10 : 0) | csrcs.Length);
            int position = RtpHeader.FixedLength;
            foreach (uint csrc in csrcs)
            {
                BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(position), csrc);
                position += 4;
            }
            if (hasExtension)
            {
                BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(position), extensionProfile);
                BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(position + 2), (ushort)extensionWords);
                extensionBody.CopyTo(destination.Slice(position + 4));
                destination.Slice(position + 4 + extensionBody.Length, extensionWords * 4 - extensionBody.Length).Clear();
                position += 4 + extensionWords * 4;
            }
            payload.CopyTo(destination.Slice(position));
            position += payload.Length;
            if (paddingLength > 0)
            {
                destination.Slice(position, paddingLength - 1).Clear();
                destination[position + paddingLength - 1] = (byte)paddingLength;
                position += paddingLength;
            }
            return position;
        }

        private static int Pad4(int length) => (length + 3) & ~3;
    }
}
