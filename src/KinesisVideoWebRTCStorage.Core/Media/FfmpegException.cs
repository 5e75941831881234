using System;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>ffmpeg could not be started, or it stopped before producing media; the message says why and what to do.</summary>
    public sealed class FfmpegException : Exception
    {
        public FfmpegException(string message, Exception? inner = null) : base(message, inner)
        {
        }
    }
}
