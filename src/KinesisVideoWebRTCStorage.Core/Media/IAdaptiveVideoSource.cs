namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>A source that encodes its video and can change the bitrate while it runs, so ingest can follow the link.</summary>
    public interface IAdaptiveVideoSource
    {
        /// <summary>The bitrate the encoder runs at now, in bits per second.</summary>
        long VideoBitrate { get; }

        /// <summary>The highest bitrate asked for: the ceiling adaptation stays under.</summary>
        long MaxVideoBitrate { get; }

        /// <summary>Asks for a new bitrate; it takes effect at a keyframe shortly after, without a gap in the media.</summary>
        void RequestVideoBitrate(long bitsPerSecond);
    }
}
