using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>Parses the OpusHead identification header (RFC 7845 section 5.1), from Ogg or Matroska CodecPrivate.</summary>
    public static class OpusHead
    {
        private static readonly byte[] Magic = { (byte)'O', (byte)'p', (byte)'u', (byte)'s', (byte)'H', (byte)'e', (byte)'a', (byte)'d' };

        public static bool HasMagic(ReadOnlySpan<byte> packet) => packet.Length >= 8 && packet.Slice(0, 8).SequenceEqual(Magic);

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
