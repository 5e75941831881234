using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>RFC 8285 profile values and element lookup shared by the reader and the writer.</summary>
    public static class RtpExtensionElements
    {
        public const ushort OneByteProfile = 0xBEDE;

        /// <summary>The two-byte form's profile; its low 4 bits ("appbits") are free for the application.</summary>
        public const ushort TwoByteProfile = 0x1000;

        public static bool IsOneByte(ushort profile) => profile == OneByteProfile;

        public static bool IsTwoByte(ushort profile) => (profile & 0xFFF0) == TwoByteProfile;

        /// <summary>
        /// Finds element <paramref name="id"/> in an extension body. Returns false for unknown profiles, absent ids and
        /// malformed bodies alike: a receiver ignores what it cannot read (RFC 8285 §4.1.1).
        /// </summary>
        public static bool TryFind(ushort profile, ReadOnlySpan<byte> body, int id, out ReadOnlySpan<byte> value)
        {
            value = default;
            bool oneByte = IsOneByte(profile);
            if (!oneByte && !IsTwoByte(profile)) return false;
            int i = 0;
            while (i < body.Length)
            {
                byte first = body[i];
                if (first == 0) { i++; continue; } // padding between elements
                int elementId, length, headerLength;
                if (oneByte)
                {
                    elementId = first >> 4;
                    if (elementId == 15) return false; // reserved: stop processing (RFC 8285 §4.2)
                    length = (first & 0x0F) + 1;
                    headerLength = 1;
                }
                else
                {
                    if (i + 1 >= body.Length) return false;
                    elementId = first;
                    length = body[i + 1];
                    headerLength = 2;
                }
                int start = i + headerLength;
                if (length > body.Length - start) return false;
                if (elementId == id)
                {
                    value = body.Slice(start, length);
                    return true;
                }
                i = start + length;
            }
            return false;
        }
    }
}
