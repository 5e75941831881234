using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs
{
    /// <summary>Receives one Opus packet; the span is valid only during the call.</summary>
    public delegate void OpusFrameHandler(ReadOnlySpan<byte> opusPacket, uint timestamp);

    /// <summary>Opus from RTP (RFC 7587): each payload is one Opus packet. Losses are counted for concealment decisions.</summary>
    public sealed class OpusDepacketizer
    {
        private readonly OpusFrameHandler _handler;
        private ReceiveSequenceTracker _sequence;

        public OpusDepacketizer(OpusFrameHandler handler)
        {
            _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        }

        public long FramesDelivered { get; private set; }
        public long LostPackets { get; private set; }
        public long LatePacketsDropped { get; private set; }
        public long MalformedPayloads { get; private set; }

        /// <summary>Packets with padding and no payload: no media, and not malformed either.</summary>
        public long PaddingOnlyPackets { get; private set; }

        public void Push(in RtpPacket packet)
        {
            if (_sequence.Advance(packet.Header.SequenceNumber, out int lost) == SequenceStatus.Late)
            {
                LatePacketsDropped++;
                return;
            }
            LostPackets += lost;
            if (packet.Payload.IsEmpty)
            {
                // An Opus packet has at least its TOC byte; a padding-only packet (RFC 3550 section 5.1) has no media.
                if (packet.PaddingLength > 0) PaddingOnlyPackets++;
                else MalformedPayloads++;
                return;
            }
            FramesDelivered++;
            _handler(packet.Payload, packet.Header.Timestamp);
        }
    }
}
