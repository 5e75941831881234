namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>How <see cref="FfmpegSource"/> runs ffmpeg.</summary>
    public sealed class FfmpegSourceOptions
    {
        /// <summary>The ffmpeg executable: a path, or a name looked up on PATH. ffprobe is expected beside it.</summary>
        public string FfmpegPath { get; set; } = "ffmpeg";

        /// <summary>
        /// ffmpeg options placed before -i, as command-line text: e.g. "-f v4l2" for a camera, "-re" to read a file in
        /// real time, "-f lavfi" for a filter graph, "-rtsp_transport tcp" for RTSP.
        /// </summary>
        public string InputArguments { get; set; } = "";

        /// <summary>False takes only the input's first audio track (a viewer's microphone): video is neither probed nor read.</summary>
        public bool IncludeVideo { get; set; } = true;

        /// <summary>When true (the default), H.264 that WebRTC can take as is (Baseline or Main, 4:2:0, no B-frames) is copied, not re-encoded.</summary>
        public bool CopyCompatibleVideo { get; set; } = true;

        /// <summary>
        /// The video bitrate to transcode at, in bits per second (a constant-bitrate VBV of half a second); null leaves
        /// x264 at its quality default. Setting it always transcodes, since copied video cannot follow a bitrate.
        /// </summary>
        public long? VideoBitrate { get; set; }

        /// <summary>Seconds between key frames when transcoding.</summary>
        public double KeyFrameIntervalSeconds { get; set; } = 2;

        /// <summary>How many of ffmpeg's last stderr lines to keep for error reports.</summary>
        public int ErrorLinesKept { get; set; } = 20;

        /// <summary>
        /// "-f <paramref name="format"/>" followed by <paramref name="extraArguments"/>, or null when the format is not a
        /// bare ffmpeg format name (letters, digits, '_' and ','): anything else would smuggle options past -f.
        /// </summary>
        public static string? InputArgumentsFor(string? format, string? extraArguments)
        {
            string name = format?.Trim() ?? "";
            foreach (char c in name)
            {
                if (!char.IsLetterOrDigit(c) && c != '_' && c != ',') return null;
            }
            string arguments = name.Length > 0 ? "-f " + name : "";
            string extra = extraArguments?.Trim() ?? "";
            return extra.Length == 0 ? arguments : (arguments + " " + extra).Trim();
        }
    }
}
