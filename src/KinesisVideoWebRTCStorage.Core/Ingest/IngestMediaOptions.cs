namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>
    /// Where ingest reads media: one of <see cref="Path"/>, <see cref="VideoPath"/> with <see cref="AudioPath"/>, or
    /// <see cref="InputUri"/>; the built-in test pattern when none is set.
    /// </summary>
    public sealed class IngestMediaOptions
    {
        /// <summary>A Matroska or WebM file holding H.264 and Opus.</summary>
        public string? Path { get; set; }

        /// <summary>An H.264 Annex-B elementary stream (.h264), paired with <see cref="AudioPath"/>.</summary>
        public string? VideoPath { get; set; }

        /// <summary>An Ogg Opus file (.ogg, .opus), paired with <see cref="VideoPath"/>.</summary>
        public string? AudioPath { get; set; }

        /// <summary>Anything ffmpeg opens (an RTSP camera, an MP4, a device); transcoded to H.264 and Opus as needed.</summary>
        public string? InputUri { get; set; }

        /// <summary>ffmpeg's -f for <see cref="InputUri"/> (dshow, v4l2, avfoundation, lavfi, ...); ffmpeg guesses when null.</summary>
        public string? InputFormat { get; set; }

        /// <summary>ffmpeg options placed before -i for <see cref="InputUri"/>, as command-line text, e.g. "-rtsp_transport tcp".</summary>
        public string? InputOptions { get; set; }

        /// <summary>
        /// Refuse media without an audio track. When false (the default), video-only media gets a silent Opus track in
        /// step with the video, since a storage session records both.
        /// </summary>
        public bool RequireAudio { get; set; }

        /// <summary>
        /// The ceiling, in bits per second, for video ffmpeg transcodes from <see cref="InputUri"/>: the encoder starts
        /// there and follows the bandwidth estimate below it (<see cref="DefaultVideoBitrate"/> when null). Setting it
        /// transcodes even H.264 that could be copied, so the bitrate can adapt.
        /// </summary>
        public long? VideoBitrate { get; set; }

        /// <summary>The transcoding ceiling when <see cref="VideoBitrate"/> is not set: 2.5 Mbit/s, enough for 720p30.</summary>
        public const long DefaultVideoBitrate = 2_500_000;

        /// <summary>
        /// Let the encoder of transcoded input follow the bandwidth estimate (the default); false keeps it at
        /// <see cref="VideoBitrate"/>, or at x264's quality default without one.
        /// </summary>
        public bool AdaptVideoBitrate { get; set; } = true;

        /// <summary>Frame rate of <see cref="VideoPath"/> when its SPS carries no timing.</summary>
        public double? FrameRate { get; set; }

        /// <summary>Start over at the end of a file (the test pattern always loops).</summary>
        public bool Loop { get; set; }

        /// <summary>What the media is, for messages and the result.</summary>
        public string Describe() =>
            InputUri != null ? "ffmpeg input " + (InputFormat != null ? $"-f {InputFormat} " : "") + InputUri
            : Path != null ? Path
            : VideoPath != null || AudioPath != null ? $"{VideoPath} + {AudioPath}"
            : "the built-in test pattern";
    }
}
