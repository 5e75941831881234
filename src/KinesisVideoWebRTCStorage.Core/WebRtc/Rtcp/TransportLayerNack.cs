using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>Generic NACK, RTPFB FMT 1 (RFC 4585 §6.2.1).</summary>
    public sealed class TransportLayerNack : RtcpPacket
    {
        public const int Format = 1;

        public TransportLayerNack(uint senderSsrc, uint mediaSsrc, IReadOnlyList<NackPair> pairs)
        {
            SenderSsrc = senderSsrc;
            MediaSsrc = mediaSsrc;
            Pairs = pairs;
            if (8 + pairs.Count * 4 > ushort.MaxValue * 4) throw new ArgumentException("Too many NACK entries.", nameof(pairs));
        }

        public override RtcpPacketType PacketType => RtcpPacketType.TransportLayerFeedback;
        public uint SenderSsrc { get; }
        public uint MediaSsrc { get; }
        public IReadOnlyList<NackPair> Pairs { get; }

        /// <summary>Packs lost sequence numbers (in send order, wrap-aware) into as few entries as possible.</summary>
        public static TransportLayerNack FromLost(uint senderSsrc, uint mediaSsrc, IEnumerable<ushort> lost)
        {
            var pairs = new List<NackPair>();
            bool open = false;
            ushort id = 0, mask = 0;
            foreach (ushort sequence in lost)
            {
                int offset = (ushort)(sequence - id);
                if (open && offset >= 1 && offset <= 16)
                {
                    mask |= (ushort)(1 << (offset - 1));
                    continue;
                }
                if (open && offset == 0) continue;
                if (open) pairs.Add(new NackPair(id, mask));
                open = true;
                id = sequence;
                mask = 0;
            }
            if (open) pairs.Add(new NackPair(id, mask));
            return new TransportLayerNack(senderSsrc, mediaSsrc, pairs);
        }

        protected override int CountOrFormat => Format;
        protected override int BodyLength => 8 + Pairs.Count * 4;

        protected override void WriteBody(Span<byte> body)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body, SenderSsrc);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(4), MediaSsrc);
            for (int i = 0; i < Pairs.Count; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(body.Slice(8 + i * 4), Pairs[i].PacketId);
                BinaryPrimitives.WriteUInt16BigEndian(body.Slice(10 + i * 4), Pairs[i].LostBitmask);
            }
        }

        internal static TransportLayerNack Parse(ReadOnlySpan<byte> body)
        {
            Require(body.Length >= 8, "NACK shorter than its SSRCs", HeaderLength);
            int count = (body.Length - 8) / 4;
            var pairs = new NackPair[count];
            for (int i = 0; i < count; i++)
                pairs[i] = new NackPair(BinaryPrimitives.ReadUInt16BigEndian(body.Slice(8 + i * 4)), BinaryPrimitives.ReadUInt16BigEndian(body.Slice(10 + i * 4)));
            return new TransportLayerNack(BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body.Slice(4)), pairs);
        }
    }
}
