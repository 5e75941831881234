using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.H264;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Media.Ogg;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>
    /// Opens what <see cref="IngestMediaOptions"/> names as one interleaved H.264 + Opus source, checking everything a
    /// storage session needs before anything is sent: the files exist, the codecs are H.264 and Opus, and there is
    /// video. Video without audio gets a silent Opus track (<see cref="SilentAudioMediaSource"/>) unless
    /// <see cref="IngestMediaOptions.RequireAudio"/> refuses it.
    /// </summary>
    public static class IngestMedia
    {
        private const string BothTracks = "a storage session records H.264 video and Opus audio together";

        public static async Task<IMediaSource> OpenAsync(IngestMediaOptions options, CancellationToken cancellationToken = default)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            if (options.InputUri != null) return await OpenFfmpegAsync(options, cancellationToken).ConfigureAwait(false);
            if (options.Path == null && options.VideoPath == null && options.AudioPath == null) return await TestPattern.OpenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

            Func<CancellationToken, Task<IMediaSource>> open;
            if (options.Path != null)
            {
                string path = RequireFile(options.Path, "Path");
                string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
                if (extension == ".h264" || extension == ".264" || extension == ".avc")
                {
                    if (options.RequireAudio)
                        throw new IngestMediaException($"'{path}' is H.264 without audio, and -RequireAudio asks for audio; pass it as -VideoPath with an Ogg Opus -AudioPath.");
                    open = ct => OpenPairAsync(path, null, options.FrameRate, ct);
                }
                else if (extension == ".mkv" || extension == ".webm" || extension == ".mka")
                {
                    open = ct => OpenMatroskaAsync(path, ct);
                }
                else
                {
                    throw new IngestMediaException($"'{path}' is not Matroska or WebM; use -InputUri '{path}' to let ffmpeg read and transcode it.");
                }
            }
            else
            {
                if (options.VideoPath == null)
                    throw new IngestMediaException($"Give -VideoPath (H.264 Annex-B), with an Ogg Opus -AudioPath or alone for a silent audio track: {BothTracks}.");
                if (options.AudioPath == null && options.RequireAudio)
                    throw new IngestMediaException($"-RequireAudio asks for audio: give an Ogg Opus -AudioPath with -VideoPath, since {BothTracks}.");
                string video = RequireFile(options.VideoPath, "VideoPath");
                string? audio = options.AudioPath == null ? null : RequireFile(options.AudioPath, "AudioPath");
                open = ct => OpenPairAsync(video, audio, options.FrameRate, ct);
            }
            // Silence is added around the loop, not inside each pass, so its 20 ms clock runs on across the seams.
            var looping = await LoopingMediaSource.OpenAsync(open, options.Loop ? (int?)null : 1, cancellationToken).ConfigureAwait(false);
            return WithAudio(looping, options.Path ?? options.VideoPath!, options.RequireAudio);
        }

        private static string RequireFile(string path, string parameter)
        {
            string full = System.IO.Path.GetFullPath(path);
            if (!File.Exists(full)) throw new IngestMediaException($"The -{parameter} file '{full}' does not exist.", notFound: true);
            return full;
        }

        private static async Task<IMediaSource> OpenMatroskaAsync(string path, CancellationToken cancellationToken)
        {
            var stream = InlineReadFileStream.Open(path);
            MatroskaDemuxer demuxer;
            try
            {
                demuxer = await MatroskaDemuxer.OpenAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (WireFormatException e)
            {
                stream.Dispose();
                throw new IngestMediaException($"'{path}' cannot be sent: {e.Message}", innerException: e);
            }
            if (demuxer.Video == null)
            {
                demuxer.Dispose();
                throw new IngestMediaException($"'{path}' has no H.264 video track, and {BothTracks}; {MatroskaDemuxer.ReencodeAdvice}.");
            }
            return demuxer;
        }

        private static async Task<IMediaSource> OpenPairAsync(string videoPath, string? audioPath, double? frameRate, CancellationToken cancellationToken)
        {
            IMediaSource? video = null;
            try
            {
                video = await H264AnnexBSource.OpenAsync(InlineReadFileStream.Open(videoPath), frameRate, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (audioPath == null) return video;
                var audio = await OggOpusSource.OpenAsync(InlineReadFileStream.Open(audioPath), cancellationToken: cancellationToken).ConfigureAwait(false);
                return new InterleavedMediaSource(video, audio);
            }
            catch (WireFormatException e)
            {
                video?.Dispose();
                string which = video == null ? videoPath : audioPath!;
                throw new IngestMediaException($"'{which}' cannot be sent: {e.Message}", innerException: e);
            }
        }

        private static async Task<IMediaSource> OpenFfmpegAsync(IngestMediaOptions options, CancellationToken cancellationToken)
        {
            string uri = options.InputUri!;
            if (options.VideoBitrate is long requested && requested <= 0) throw new IngestMediaException($"-VideoBitrate must be positive; {requested / 1000} kbit/s was given.");
            var ffmpeg = new FfmpegSourceOptions { InputArguments = FfmpegInputArguments(options), VideoBitrate = options.VideoBitrate };
            IMediaSource source;
            try
            {
                // Video that ffmpeg transcodes can follow the link; H.264 it copies is sent as pre-encoded media.
                bool transcodes = options.VideoBitrate != null || !await FfmpegSource.CanCopyVideoAsync(uri, ffmpeg, cancellationToken).ConfigureAwait(false);
                if (options.AdaptVideoBitrate && transcodes)
                {
                    ffmpeg.VideoBitrate ??= IngestMediaOptions.DefaultVideoBitrate;
                    source = await AdaptiveFfmpegSource.OpenAsync(uri, ffmpeg, options.InputFormat, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    source = await FfmpegSource.OpenAsync(uri, ffmpeg, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (FfmpegException e)
            {
                throw new IngestMediaException($"ffmpeg could not read '{uri}'{(ffmpeg.InputArguments.Length > 0 ? $" with '{ffmpeg.InputArguments}'" : "")}: {e.Message}", innerException: e);
            }
            if (source.Video == null)
            {
                source.Dispose();
                throw new IngestMediaException($"'{uri}' gives no video, and {BothTracks}.");
            }
            return WithAudio(source, uri, options.RequireAudio);
        }

        /// <summary>-InputFormat and -InputOptions as the text ffmpeg takes before -i.</summary>
        internal static string FfmpegInputArguments(IngestMediaOptions options) =>
            FfmpegSourceOptions.InputArgumentsFor(options.InputFormat, options.InputOptions)
            ?? throw new IngestMediaException($"-InputFormat '{options.InputFormat}' is not an ffmpeg format name (such as lavfi, v4l2, dshow or avfoundation); put other options in -InputOptions.");

        /// <summary>Video-only media gets a silent audio track, or is refused when audio is required.</summary>
        private static IMediaSource WithAudio(IMediaSource source, string what, bool requireAudio)
        {
            if (source.Audio != null) return source;
            if (!requireAudio) return new SilentAudioMediaSource(source);
            source.Dispose();
            throw new IngestMediaException($"'{what}' has no Opus audio track, and -RequireAudio asks for audio; {MatroskaDemuxer.ReencodeAdvice}, or leave out -RequireAudio to send silence with the video.");
        }
    }
}
