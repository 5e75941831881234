using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>A keyed HMAC-SHA1 that computes into a caller span without allocating.</summary>
    internal interface IHmacSha1 : IDisposable
    {
        /// <summary>Writes the first <c>mac.Length</c> (at most 20) bytes of HMAC-SHA1(message).</summary>
        void Compute(ReadOnlySpan<byte> message, Span<byte> mac);
    }
}
