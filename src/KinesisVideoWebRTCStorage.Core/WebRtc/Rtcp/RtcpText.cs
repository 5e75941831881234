using System;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>
    /// The length-prefixed UTF-8 text of SDES items and BYE reasons. Text read off the wire may hold replacement
    /// characters that re-encode longer than 255 bytes; writing clamps to 255 so such a packet still serializes validly.
    /// </summary>
    internal static class RtcpText
    {
        public const int MaxLength = 255;

        /// <summary>Length octet plus text.</summary>
        public static int EncodedLength(string text) => 1 + Math.Min(MaxLength, Encoding.UTF8.GetByteCount(text));

        /// <summary>Writes the length octet and text; returns the bytes written.</summary>
        public static int Write(Span<byte> destination, string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            int length = Math.Min(MaxLength, bytes.Length);
            destination[0] = (byte)length;
            bytes.AsSpan(0, length).CopyTo(destination.Slice(1));
            return 1 + length;
        }

        public static string Read(ReadOnlySpan<byte> text) => Encoding.UTF8.GetString(text.ToArray());
    }
}
