using System;

namespace KinesisVideoWebRTCStorage
{
    /// <summary>
    /// The one error a network-facing or file parser throws for bad input: which format, where, and what was wrong.
    /// Parsers derive their own typed error from it (for example an RTCP or EBML error) so hosts can treat them alike.
    /// </summary>
    public class WireFormatException : FormatException
    {
        public WireFormatException(string format, string message, long offset = -1)
            : base(offset >= 0 ? $"{format}: {message} (at byte {offset})" : $"{format}: {message}")
        {
            Format = format;
            Offset = offset;
        }

        /// <summary>The format being parsed, e.g. "RTCP", "SDP", "Matroska".</summary>
        public string Format { get; }

        /// <summary>The byte offset of the problem, or -1 when not applicable.</summary>
        public long Offset { get; }
    }
}
