using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.Media.Matroska
{
    /// <summary>Splits the frames of a (Simple)Block by its lacing: none, Xiph, fixed-size or EBML (RFC 9559 10.3).</summary>
    internal static class BlockLacing
    {
        /// <summary>
        /// Adds (offset, length) of each frame to <paramref name="frames"/>; <paramref name="at"/> is where the lacing
        /// header or the single frame starts within <paramref name="block"/>.
        /// </summary>
        public static void Split(ReadOnlySpan<byte> block, int at, int lacing, List<(int Offset, int Length)> frames, long offset)
        {
            frames.Clear();
            if (lacing == 0)
            {
                frames.Add((at, block.Length - at));
                return;
            }
            if (at >= block.Length) throw new MatroskaFormatException("laced block has no frame count", offset);
            int count = block[at++] + 1;
            int totalSize = 0;
            switch (lacing)
            {
                case 1: // Xiph: each size but the last as a run of 255s and a final byte
                    for (int i = 0; i < count - 1; i++)
                    {
                        int size = 0;
                        byte b;
                        do
                        {
                            if (at >= block.Length) throw new MatroskaFormatException("Xiph lace sizes run past the block", offset);
                            b = block[at++];
                            size += b;
                            if (size > block.Length) throw new MatroskaFormatException("Xiph lace size exceeds the block", offset);
                        }
                        while (b == 255);
                        frames.Add((0, size));
                        totalSize += size;
                        if (totalSize > block.Length) throw new MatroskaFormatException("Xiph lace sizes exceed the block", offset);
                    }
                    break;
                case 3: // EBML: first size as a vint, then signed differences
                {
                    long previous = 0;
                    for (int i = 0; i < count - 1; i++)
                    {
                        int length = EbmlSpanReader.ReadSize(block.Slice(at), out long value, offset + at);
                        if (value < 0) throw new MatroskaFormatException("EBML lace size is reserved all-ones", offset + at);
                        if (i > 0) value = previous + value - ((1L << (7 * length - 1)) - 1);
                        at += length;
                        if (value < 0 || value > block.Length) throw new MatroskaFormatException($"EBML lace size {value} does not fit the block", offset);
                        frames.Add((0, (int)value));
                        totalSize += (int)value;
                        if (totalSize > block.Length) throw new MatroskaFormatException("EBML lace sizes exceed the block", offset);
                        previous = value;
                    }
                    break;
                }
                default: // fixed: equal shares of the rest
                {
                    int rest = block.Length - at;
                    if (rest % count != 0) throw new MatroskaFormatException($"{rest} bytes do not split into {count} equal laced frames", offset);
                    for (int i = 0; i < count - 1; i++) frames.Add((0, rest / count));
                    totalSize = rest - rest / count;
                    break;
                }
            }
            int last = block.Length - at - totalSize;
            if (last < 0) throw new MatroskaFormatException("laced frame sizes exceed the block", offset);
            frames.Add((0, last));
            for (int i = 0; i < frames.Count; i++)
            {
                frames[i] = (at, frames[i].Length);
                at += frames[i].Length;
            }
        }
    }
}
