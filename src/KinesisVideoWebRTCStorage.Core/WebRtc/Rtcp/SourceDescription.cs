using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>SDES (RFC 3550 §6.5); WebRTC needs only CNAME.</summary>
    public sealed class SourceDescription : RtcpPacket
    {
        public SourceDescription(IReadOnlyList<SdesChunk> chunks)
        {
            Chunks = chunks;
            RequireCount(chunks.Count, 31, "SDES chunks");
        }

        public override RtcpPacketType PacketType => RtcpPacketType.SourceDescription;
        public IReadOnlyList<SdesChunk> Chunks { get; }

        public static SourceDescription ForCName(uint source, string cname) =>
            new SourceDescription(new[] { new SdesChunk(source, new[] { new SdesItem(SdesItemType.CName, cname) }) });

        /// <summary>The CNAME of <paramref name="source"/>, or null when this packet has none.</summary>
        public string? GetCName(uint source)
        {
            foreach (var chunk in Chunks)
            {
                if (chunk.Source != source) continue;
                foreach (var item in chunk.Items)
                    if (item.Type == SdesItemType.CName) return item.Text;
            }
            return null;
        }

        protected override int CountOrFormat => Chunks.Count;

        protected override int BodyLength
        {
            get
            {
                int length = 0;
                foreach (var chunk in Chunks) length += chunk.Length;
                return length;
            }
        }

        protected override void WriteBody(Span<byte> body)
        {
            int position = 0;
            foreach (var chunk in Chunks)
            {
                int end = position + chunk.Length;
                BinaryPrimitives.WriteUInt32BigEndian(body.Slice(position), chunk.Source);
                position += 4;
                foreach (var item in chunk.Items)
                {
                    body[position] = (byte)item.Type;
                    position += 1 + RtcpText.Write(body.Slice(position + 1), item.Text);
                }
                body.Slice(position, end - position).Clear(); // END octet plus padding
                position = end;
            }
        }

        internal static SourceDescription Parse(int count, ReadOnlySpan<byte> body)
        {
            var chunks = new List<SdesChunk>(Math.Min(count, body.Length / 4));
            int position = 0;
            for (int c = 0; c < count; c++)
            {
                Require(body.Length - position >= 4, "SDES chunk runs past the packet", HeaderLength + position);
                uint source = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(position));
                position += 4;
                var items = new List<SdesItem>();
                while (true)
                {
                    Require(position < body.Length, "SDES chunk lacks its END item", HeaderLength + position);
                    byte type = body[position];
                    if (type == 0) break;
                    Require(body.Length - position >= 2, "SDES item runs past the packet", HeaderLength + position);
                    int length = body[position + 1];
                    Require(body.Length - position - 2 >= length, "SDES item text runs past the packet", HeaderLength + position);
                    items.Add(SdesItem.FromWire((SdesItemType)type, RtcpText.Read(body.Slice(position + 2, length))));
                    position += 2 + length;
                }
                // Skip the END octet and the padding to the next 32-bit boundary (measured from the chunk area start).
                position = Math.Min(body.Length, (position + 1 + 3) & ~3);
                chunks.Add(new SdesChunk(source, items));
            }
            return new SourceDescription(chunks);
        }
    }
}
