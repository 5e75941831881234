using System;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// One unit of compressed media: an H.264 access unit (Annex-B, SPS/PPS in front of every IDR) or one Opus packet.
    /// </summary>
    /// <remarks>
    /// The payload may be backed by a buffer the source reuses, so it is valid only until the next read from the same
    /// source; copy it to keep it.
    /// </remarks>
    public readonly struct MediaFrame
    {
        public MediaFrame(MediaTrackKind kind, TimeSpan timestamp, TimeSpan duration, bool isKeyFrame, ReadOnlyMemory<byte> payload)
        {
            Kind = kind;
            Timestamp = timestamp;
            Duration = duration;
            IsKeyFrame = isKeyFrame;
            Payload = payload;
        }

        public MediaTrackKind Kind { get; }

        /// <summary>Presentation time from the start of the source. Opus pre-skip makes the first audio packets negative.</summary>
        public TimeSpan Timestamp { get; }

        /// <summary>How long the frame lasts: 1/frame rate for video, the TOC-derived sample count for Opus.</summary>
        public TimeSpan Duration { get; }

        /// <summary>True for an IDR access unit; always true for Opus.</summary>
        public bool IsKeyFrame { get; }

        public ReadOnlyMemory<byte> Payload { get; }

        /// <summary>The same frame moved in time, for looping and merging sources.</summary>
        public MediaFrame WithTimestamp(TimeSpan timestamp) => new MediaFrame(Kind, timestamp, Duration, IsKeyFrame, Payload);

        public override string ToString() => $"{Kind} {Timestamp.TotalMilliseconds:F3} ms{(IsKeyFrame ? " key" : "")} {Payload.Length} B";
    }
}
