using System;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// How long the interop tests wait for the independent peers. Generous against the typical figures (a browser is up
    /// in about 1.5 s, media decodes about 1 s after the answer) because CI runs them on a busy two-core machine.
    /// </summary>
    internal static class InteropTimeouts
    {
        /// <summary>Starting Chromium or the GStreamer pipeline, up to the page or process being ready for commands.</summary>
        public static readonly TimeSpan Launch = TimeSpan.FromSeconds(30);

        /// <summary>One signalling step: creating an offer or answer, applying a description or a candidate, a stats query.</summary>
        public static readonly TimeSpan Signalling = TimeSpan.FromSeconds(15);

        /// <summary>From our answer to our connection being up (ICE and DTLS), typically well under a second.</summary>
        public static readonly TimeSpan Connect = TimeSpan.FromSeconds(15);

        /// <summary>From exchanging candidates until the receiver reports decoded video and audio.</summary>
        public static readonly TimeSpan Media = TimeSpan.FromSeconds(10);

        /// <summary>Decoding ends within a few frame intervals of the last packet; this long without progress means it is done.</summary>
        public static readonly TimeSpan DecodingSettled = TimeSpan.FromSeconds(1);
    }
}
