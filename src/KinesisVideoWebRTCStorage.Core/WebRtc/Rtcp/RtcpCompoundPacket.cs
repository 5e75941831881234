using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>
    /// Reads and writes compound RTCP (RFC 3550 §6.1). Reading is rtcp-rsize tolerant (RFC 5506): any packet may come
    /// first and a compound may hold a single feedback message. Unknown packet types and feedback formats are skipped.
    /// </summary>
    public static class RtcpCompoundPacket
    {
        public static List<RtcpPacket> Parse(ReadOnlySpan<byte> data)
        {
            var packets = new List<RtcpPacket>();
            int position = 0;
            if (data.Length < RtcpPacket.HeaderLength) throw new RtcpFormatException("shorter than a header");
            while (position < data.Length)
            {
                var rest = data.Slice(position);
                if (rest.Length < RtcpPacket.HeaderLength) throw new RtcpFormatException("trailing bytes shorter than a header", position);
                byte first = rest[0];
                if (first >> 6 != 2) throw new RtcpFormatException("version is not 2", position);
                int length = (BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(2)) + 1) * 4;
                if (length > rest.Length) throw new RtcpFormatException("length runs past the end", position);
                var body = rest.Slice(RtcpPacket.HeaderLength, length - RtcpPacket.HeaderLength);
                if ((first & 0x20) != 0)
                {
                    // Padding is only allowed on the last packet, but its count octet is what matters for bounds.
                    int padding = length == RtcpPacket.HeaderLength ? 0 : body[body.Length - 1];
                    if (padding == 0 || padding > body.Length) throw new RtcpFormatException("bad padding length", position + length - 1);
                    body = body.Slice(0, body.Length - padding);
                }
                var packet = ParseOne(first & 0x1F, rest[1], body, position);
                if (packet != null) packets.Add(packet);
                position += length;
            }
            return packets;
        }

        private static RtcpPacket? ParseOne(int countOrFormat, byte type, ReadOnlySpan<byte> body, int position)
        {
            try
            {
                switch ((RtcpPacketType)type)
                {
                    case RtcpPacketType.SenderReport:
                        return SenderReport.Parse(countOrFormat, body);
                    case RtcpPacketType.ReceiverReport:
                        return ReceiverReport.Parse(countOrFormat, body);
                    case RtcpPacketType.SourceDescription:
                        return SourceDescription.Parse(countOrFormat, body);
                    case RtcpPacketType.Goodbye:
                        return Goodbye.Parse(countOrFormat, body);
                    case RtcpPacketType.TransportLayerFeedback when countOrFormat == TransportLayerNack.Format:
                        return TransportLayerNack.Parse(body);
                    case RtcpPacketType.TransportLayerFeedback when countOrFormat == TransportLayerCc.Format:
                        return TransportLayerCc.Parse(body);
                    case RtcpPacketType.PayloadSpecificFeedback when countOrFormat == PictureLossIndication.Format:
                        return PictureLossIndication.Parse(body);
                    case RtcpPacketType.PayloadSpecificFeedback when countOrFormat == FullIntraRequest.Format:
                        return FullIntraRequest.Parse(body);
                    case RtcpPacketType.PayloadSpecificFeedback when countOrFormat == ReceiverEstimatedMaximumBitrate.Format && ReceiverEstimatedMaximumBitrate.IsRemb(body):
                        return ReceiverEstimatedMaximumBitrate.Parse(body);
                    default:
                        return null;
                }
            }
            catch (RtcpFormatException e)
            {
                // Packet parsers report offsets within their packet; make them relative to the compound.
                throw new RtcpFormatException($"{(RtcpPacketType)type}: {e.Detail}", position + Math.Max(0, e.Offset));
            }
        }

        public static int GetLength(IReadOnlyList<RtcpPacket> packets)
        {
            int length = 0;
            for (int i = 0; i < packets.Count; i++) length += packets[i].Length;
            return length;
        }

        /// <summary>Writes the packets back to back; returns the bytes written.</summary>
        public static int Write(Span<byte> destination, IReadOnlyList<RtcpPacket> packets)
        {
            if (destination.Length < GetLength(packets)) throw new ArgumentException("Destination too small for the compound packet.", nameof(destination));
            int position = 0;
            for (int i = 0; i < packets.Count; i++) position += packets[i].WriteTo(destination.Slice(position));
            return position;
        }

        public static byte[] ToArray(IReadOnlyList<RtcpPacket> packets)
        {
            var bytes = new byte[GetLength(packets)];
            Write(bytes, packets);
            return bytes;
        }
    }
}
