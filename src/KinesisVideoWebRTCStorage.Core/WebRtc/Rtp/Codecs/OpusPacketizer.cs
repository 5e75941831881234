using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs
{
    /// <summary>Opus over RTP (RFC 7587): one Opus packet per RTP packet, timestamps on the 48 kHz clock whatever the input rate.</summary>
    public sealed class OpusPacketizer
    {
        public const int ClockRate = 48_000;

        private readonly RtpPacketEmitter _emitter;

        public OpusPacketizer(uint ssrc, byte payloadType, ushort initialSequenceNumber, int maxPayloadSize = 1200,
            int transportSequenceExtensionId = 0)
        {
            _emitter = new RtpPacketEmitter(ssrc, payloadType, initialSequenceNumber, maxPayloadSize, transportSequenceExtensionId);
        }

        public RtpPacketEmitter Emitter => _emitter;

        /// <summary>Sends one Opus packet; the marker bit flags only the first packet after a DTX silence (RFC 7587 §4.1).</summary>
        public void Packetize(ReadOnlySpan<byte> opusPacket, uint timestamp, IRtpPacketSink sink, bool afterSilence = false)
        {
            if (opusPacket.IsEmpty) throw new ArgumentException("An Opus packet has at least its TOC byte.", nameof(opusPacket));
            if (opusPacket.Length > _emitter.MaxPayloadSize) throw new ArgumentException("Opus packet larger than the payload budget.", nameof(opusPacket));
            opusPacket.CopyTo(_emitter.Payload);
            _emitter.Emit(opusPacket.Length, timestamp, afterSilence, sink);
        }
    }
}
