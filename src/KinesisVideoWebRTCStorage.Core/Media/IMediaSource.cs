using System;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// A reader of timestamped H.264 and Opus frames. File readers, the Matroska demuxer, the ffmpeg child process and
    /// the built-in test pattern all implement it, so ingest takes any of them.
    /// </summary>
    public interface IMediaSource : IDisposable
    {
        /// <summary>The video track, or null when the source has none.</summary>
        H264CodecInfo? Video { get; }

        /// <summary>The audio track, or null when the source has none.</summary>
        OpusCodecInfo? Audio { get; }

        /// <summary>
        /// The next frame in timestamp order across tracks, or null at the end. Its payload is valid until the next call.
        /// </summary>
        ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default);
    }
}
