using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Media.Ogg;

namespace KinesisVideoWebRTCStorage.Viewer
{
    /// <summary>
    /// Opens what a viewer says, checked before any call: an Ogg Opus or Matroska/WebM Opus file, the audio of anything
    /// ffmpeg reads (transcoded to Opus), or the built-in tone. A viewer sends one Opus track and never video, so a file
    /// with video, or with audio in another codec, is refused with the fix.
    /// </summary>
    internal static class ViewerMicrophone
    {
        private const string OpusAdvice = "convert it with ffmpeg -i <file> -vn -c:a libopus out.ogg, or pass it as -InputUri, which takes its audio and transcodes it";

        /// <summary>The source to speak, or null when the viewer only listens.</summary>
        public static async Task<IMediaSource?> OpenAsync(ViewerOptions options, CancellationToken cancellationToken)
        {
            int given = (options.AudioPath != null ? 1 : 0) + (options.InputUri != null ? 1 : 0) + (options.Tone ? 1 : 0);
            if (given > 1) throw new ViewerAudioException("Give only one of -AudioPath, -InputUri and -Tone: a viewer speaks one audio track.", options.AudioPath != null ? "AudioPath" : "InputUri");
            if (options.InputFormat != null && options.InputUri == null) throw new ViewerAudioException("-InputFormat names the format of -InputUri: give -InputUri with it.", "InputFormat");

            Func<CancellationToken, Task<IMediaSource>> open;
            if (options.AudioPath is string path)
            {
                string full = Path.GetFullPath(path);
                if (!File.Exists(full)) throw new ViewerAudioException($"The -AudioPath file '{full}' does not exist.", "AudioPath", notFound: true);
                open = token => OpenFileAsync(full, token);
            }
            else if (options.InputUri is string uri)
            {
                var ffmpeg = new FfmpegSourceOptions
                {
                    IncludeVideo = false,
                    InputArguments = FfmpegSourceOptions.InputArgumentsFor(options.InputFormat, null)
                        ?? throw new ViewerAudioException($"-InputFormat '{options.InputFormat}' is not an ffmpeg format name (such as lavfi, alsa, pulse, dshow or avfoundation).", "InputFormat"),
                };
                open = token => OpenFfmpegAsync(uri, ffmpeg, token);
            }
            else if (options.Tone)
            {
                return await TestPattern.OpenToneAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                return null;
            }
            return await LoopingMediaSource.OpenAsync(open, options.Loop ? (int?)null : 1, cancellationToken).ConfigureAwait(false);
        }

        private static async Task<IMediaSource> OpenFileAsync(string path, CancellationToken cancellationToken)
        {
            string extension = Path.GetExtension(path).ToLowerInvariant();
            bool matroska = extension == ".mkv" || extension == ".mka" || extension == ".webm";
            if (!matroska && extension != ".ogg" && extension != ".opus" && extension != ".oga")
                throw new ViewerAudioException($"'{path}' is neither Ogg Opus (.ogg, .opus) nor Matroska (.mka, .mkv, .webm), and a viewer speaks Opus: {OpusAdvice}.", "AudioPath");
            IMediaSource source;
            try
            {
                source = matroska
                    ? await MatroskaDemuxer.OpenAsync(InlineReadFileStream.Open(path), cancellationToken: cancellationToken).ConfigureAwait(false)
                    : (IMediaSource)await OggOpusSource.OpenAsync(InlineReadFileStream.Open(path), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (WireFormatException e)
            {
                throw new ViewerAudioException($"'{path}' cannot be spoken: {e.Message}. A viewer speaks Opus: {OpusAdvice}.", "AudioPath", innerException: e);
            }
            return RequireAudioOnly(source, path, "AudioPath");
        }

        private static async Task<IMediaSource> OpenFfmpegAsync(string uri, FfmpegSourceOptions ffmpeg, CancellationToken cancellationToken)
        {
            try
            {
                return RequireAudioOnly(await FfmpegSource.OpenAsync(uri, ffmpeg, cancellationToken).ConfigureAwait(false), uri, "InputUri");
            }
            catch (FfmpegException e)
            {
                string with = ffmpeg.InputArguments.Length > 0 ? $" with '{ffmpeg.InputArguments}'" : "";
                throw new ViewerAudioException($"ffmpeg could not read audio from '{uri}'{with}: {e.Message}", "InputUri", innerException: e);
            }
        }

        private static IMediaSource RequireAudioOnly(IMediaSource source, string what, string parameter)
        {
            string? problem = source.Video != null ? "has a video track, and a viewer cannot send video (the storage session takes video from the master alone)"
                : source.Audio == null ? "has no audio track" : null;
            if (problem == null) return source;
            source.Dispose();
            throw new ViewerAudioException($"'{what}' {problem}: give Opus audio alone; {OpusAdvice}.", parameter);
        }
    }
}
