using System;
using System.Collections.Generic;
using System.IO;
using KinesisVideoWebRTCStorage.Media.Ogg;

namespace KinesisVideoWebRTCStorage.Tests.Media.Ogg
{
    /// <summary>Writes an Ogg Opus stream with a chosen page size, to make packets span pages on purpose.</summary>
    internal static class OggPaginator
    {
        private const uint Serial = 0x4B565321;

        public static byte[] Write(byte[] opusHead, byte[] opusTags, IReadOnlyList<(byte[] Packet, long GranuleAfter)> packets, int maxSegments)
        {
            var output = new MemoryStream();
            uint sequence = 0;
            WritePage(output, ref sequence, 2, 0, Lacing(opusHead.Length), opusHead);
            WritePage(output, ref sequence, 0, 0, Lacing(opusTags.Length), opusTags);

            var lacing = new List<byte>();
            var body = new MemoryStream();
            bool continued = false;
            long granule = -1;
            for (int p = 0; p < packets.Count; p++)
            {
                var (packet, after) = packets[p];
                var values = Lacing(packet.Length);
                int offset = 0;
                for (int v = 0; v < values.Count; v++)
                {
                    lacing.Add(values[v]);
                    body.Write(packet, offset, values[v]);
                    offset += values[v];
                    if (v == values.Count - 1) granule = after;
                    bool last = p == packets.Count - 1 && v == values.Count - 1;
                    if (lacing.Count == maxSegments || last)
                    {
                        byte flags = (byte)((continued ? 1 : 0) | (last ? 4 : 0));
                        WritePage(output, ref sequence, flags, granule, lacing, body.ToArray());
                        continued = v < values.Count - 1;
                        granule = -1;
                        lacing.Clear();
                        body.SetLength(0);
                    }
                }
            }
            return output.ToArray();
        }

        private static List<byte> Lacing(int length)
        {
            var values = new List<byte>();
            for (; length >= 255; length -= 255) values.Add(255);
            values.Add((byte)length);
            return values;
        }

        private static void WritePage(MemoryStream output, ref uint sequence, byte flags, long granule, IReadOnlyList<byte> lacing, byte[] body)
        {
            var page = new byte[27 + lacing.Count + body.Length];
            "OggS"u8.CopyTo(page);
            page[5] = flags;
            BitConverter.TryWriteBytes(page.AsSpan(6), granule);
            BitConverter.TryWriteBytes(page.AsSpan(14), Serial);
            BitConverter.TryWriteBytes(page.AsSpan(18), sequence++);
            page[26] = (byte)lacing.Count;
            for (int i = 0; i < lacing.Count; i++) page[27 + i] = lacing[i];
            body.CopyTo(page, 27 + lacing.Count);
            BitConverter.TryWriteBytes(page.AsSpan(22), OggCrc.Compute(page));
            output.Write(page);
        }
    }
}
