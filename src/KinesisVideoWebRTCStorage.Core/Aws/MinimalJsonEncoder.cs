using System;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>
    /// Escapes in JSON strings only what JSON requires: the quote, the backslash and control characters. Everything
    /// else, <c>+</c>, <c>/</c>, <c>&amp;</c> and non-ASCII text included, is written as itself, as AWS writes it.
    /// </summary>
    /// <remarks>
    /// The default encoder of System.Text.Json also escapes HTML-sensitive and non-ASCII characters, so a base64
    /// payload or an ICE password holding <c>+</c> goes out as <c>\u002B</c>. The KVS C SDK unescapes only <c>\n</c>
    /// and <c>\r</c> in the messages it reads, and took such passwords literally: every offer holding one failed ICE.
    /// </remarks>
    public sealed class MinimalJsonEncoder : JavaScriptEncoder
    {
        public static MinimalJsonEncoder Instance { get; } = new MinimalJsonEncoder();

        /// <summary>Writer options for every JSON document the project writes.</summary>
        public static JsonWriterOptions WriterOptions { get; } = new JsonWriterOptions { Encoder = Instance };

        /// <summary>Serializer options with this encoder (for a source-generated context, or JsonNode.ToJsonString).</summary>
        public static JsonSerializerOptions NewSerializerOptions(bool indented = false) =>
            new JsonSerializerOptions { Encoder = Instance, WriteIndented = indented };

        /// <summary>Compact JSON, as the service writes it.</summary>
        public static JsonSerializerOptions Compact { get; } = NewSerializerOptions();

        private MinimalJsonEncoder()
        {
        }

        public override int MaxOutputCharactersPerInputCharacter => 6; // \uXXXX

        public override bool WillEncode(int unicodeScalar) => unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\';

        public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
        {
            for (int i = 0; i < textLength; i++)
            {
                char c = text[i];
                if (c < 0x20 || c == '"' || c == '\\') return i;
                if (char.IsHighSurrogate(c))
                {
                    // A valid pair is written as itself; a lone surrogate is handed to the encoder, which replaces it.
                    if (i + 1 < textLength && char.IsLowSurrogate(text[i + 1])) i++;
                    else return i;
                }
                else if (char.IsLowSurrogate(c))
                {
                    return i;
                }
            }
            return -1;
        }

        public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
        {
            numberOfCharactersWritten = 0;
            string? escape = unicodeScalar switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ => unicodeScalar < 0x20 ? "\\u" + unicodeScalar.ToString("X4", System.Globalization.CultureInfo.InvariantCulture) : null,
            };
            if (escape != null)
            {
                if (bufferLength < escape.Length) return false;
                for (int i = 0; i < escape.Length; i++) buffer[i] = escape[i];
                numberOfCharactersWritten = escape.Length;
                return true;
            }
            // Anything else reaching here is written as itself (as UTF-16: one char, or a surrogate pair).
            if (unicodeScalar < 0x10000)
            {
                if (bufferLength < 1) return false;
                buffer[0] = (char)unicodeScalar;
                numberOfCharactersWritten = 1;
                return true;
            }
            if (bufferLength < 2) return false;
            int offset = unicodeScalar - 0x10000;
            buffer[0] = (char)(0xD800 + (offset >> 10));
            buffer[1] = (char)(0xDC00 + (offset & 0x3FF));
            numberOfCharactersWritten = 2;
            return true;
        }
    }
}
