using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>Parses the OpusHead identification header (RFC 7845 section 5.1), from Ogg or Matroska CodecPrivate.</summary>
    public static class OpusHead
    {
        private static readonly byte[] Magic = { (byte)'O', (byte)'p', (byte)'u', (byte)'s', (byte)'H', (byte)'e', (byte)'a', (byte)'d' };

        public static bool HasMagic(ReadOnlySpan<byte> packet) => packet.Length >= 8 && packet.Slice(0, 8).SequenceEqual(Magic);

        /// <summary>
        /// An OpusHead for a stream known only from its RTP (RFC 7587: always 48 kHz, stereo signalled): pre-skip is
        /// unknown there, so none is declared and no decoded sample is dropped.
        /// </summary>
        public static OpusCodecInfo ForRtp(int channels = 2)
        {
            var head = new byte[19];
            Magic.CopyTo(head, 0);
            head[8] = 1; // version
            head[9] = (byte)channels;
            BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), OpusCodecInfo.ClockRate);
            return new OpusCodecInfo(channels, OpusCodecInfo.ClockRate, 0, head);
        }

        /// <summary>The codec info, or null with <paramref name="error"/> saying what is wrong.</summary>
        public static OpusCodecInfo? TryParse(ReadOnlySpan<byte> packet, out string error)
        {
            error = "";
            if (!HasMagic(packet)) error = "not an OpusHead header";
            else if (packet.Length < 19) error = $"OpusHead of {packet.Length} bytes is shorter than 19";
            else if ((packet[8] & 0xF0) != 0) error = $"OpusHead version {packet[8]} is not supported";
            else if (packet[9] == 0) error = "OpusHead says zero channels";
            else if (packet[18] == 0 && packet[9] > 2) error = $"mapping family 0 allows 1 or 2 channels, not {packet[9]}";
            else if (packet[18] != 0 && packet.Length < 21 + packet[9]) error = "OpusHead channel mapping table is truncated";
            if (error.Length > 0) return null;
            return new OpusCodecInfo(packet[9], (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(packet.Slice(12))),
                BinaryPrimitives.ReadUInt16LittleEndian(packet.Slice(10)), packet.ToArray());
        }
    }
}
