using System;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>Reads an Opus packet's duration from its TOC byte (RFC 6716 section 3.1).</summary>
    public static class OpusPacket
    {
        /// <summary>RFC 6716 caps a packet at 120 ms.</summary>
        public const int MaxSamples = 5760;

        /// <summary>Samples at 48 kHz that the packet decodes to; false when the TOC does not describe a valid packet.</summary>
        public static bool TryGetSampleCount(ReadOnlySpan<byte> packet, out int samples)
        {
            samples = 0;
            if (packet.IsEmpty) return false;
            byte toc = packet[0];
            int config = toc >> 3;
            int frameSamples = config < 12 ? 480 << (config & 3) // SILK: 10, 20, 40 ms
                : config < 16 ? 480 << (config & 1) // hybrid: 10, 20 ms
                : 120 << (config & 3); // CELT: 2.5, 5, 10, 20 ms
            if (config < 12 && (config & 3) == 3) frameSamples = 2880; // SILK 60 ms is not 10 ms times a power of two
            int frames;
            switch (toc & 3)
            {
                case 0: frames = 1; break;
                case 1:
                case 2: frames = 2; break;
                default:
                    if (packet.Length < 2) return false;
                    frames = packet[1] & 0x3F;
                    break;
            }
            samples = frames * frameSamples;
            return frames > 0 && samples <= MaxSamples;
        }
    }
}
