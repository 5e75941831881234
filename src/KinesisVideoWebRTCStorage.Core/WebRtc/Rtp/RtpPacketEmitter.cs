using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>
    /// The outgoing side of one RTP stream for packetizers: SSRC, payload type, the running sequence number and one reused
    /// packet buffer whose payload area a packetizer fills before calling <see cref="Emit"/>.
    /// </summary>
    public sealed class RtpPacketEmitter
    {
        /// <summary>Spare bytes after every packet, enough for any SRTP/SRTCP trailer.</summary>
        public const int TrailerRoom = 16;

        private readonly byte[] _buffer;
        private readonly int _headerLength;
        private RtpHeader _header;

        /// <param name="transportSequenceExtensionId">
        /// The negotiated id of <see cref="TransportSequenceNumber"/>, whose element every packet then reserves (filled in
        /// when it is sent); 0 for plain 12-byte headers.
        /// </param>
        public RtpPacketEmitter(uint ssrc, byte payloadType, ushort initialSequenceNumber, int maxPayloadSize, int transportSequenceExtensionId = 0)
        {
            if (payloadType > 127) throw new ArgumentOutOfRangeException(nameof(payloadType));
            if (maxPayloadSize < 16 || maxPayloadSize > 65_000) throw new ArgumentOutOfRangeException(nameof(maxPayloadSize));
            _header = new RtpHeader(payloadType, initialSequenceNumber, 0, ssrc);
            MaxPayloadSize = maxPayloadSize;
            _headerLength = RtpHeader.FixedLength + (transportSequenceExtensionId > 0 ? TransportSequenceNumber.ReservedLength : 0);
            _buffer = new byte[_headerLength + maxPayloadSize + TrailerRoom];
            if (transportSequenceExtensionId > 0) TransportSequenceNumber.Reserve(_buffer.AsSpan(RtpHeader.FixedLength), transportSequenceExtensionId);
        }

        public uint Ssrc => _header.Ssrc;
        public byte PayloadType => _header.PayloadType;
        public int MaxPayloadSize { get; }

        /// <summary>The sequence number the next packet gets.</summary>
        public ushort NextSequenceNumber => _header.SequenceNumber;

        /// <summary>Where the packetizer writes the next packet's payload.</summary>
        public Span<byte> Payload => _buffer.AsSpan(_headerLength, MaxPayloadSize);

        /// <summary>Writes the header in front of the first <paramref name="payloadLength"/> payload bytes and hands the packet on.</summary>
        public void Emit(int payloadLength, uint timestamp, bool marker, IRtpPacketSink sink)
        {
            if ((uint)payloadLength > (uint)MaxPayloadSize) throw new ArgumentOutOfRangeException(nameof(payloadLength));
            _header.Timestamp = timestamp;
            _header.Marker = marker;
            _header.WriteFixed(_buffer);
            if (_headerLength > RtpHeader.FixedLength) _buffer[0] |= 0x10; // the extension bit
            _header.SequenceNumber++;
            sink.OnRtpPacket(_buffer, _headerLength + payloadLength);
        }
    }
}
