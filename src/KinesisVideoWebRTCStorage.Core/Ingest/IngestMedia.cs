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
    /// storage session needs before anything is sent: the files exist, both tracks are there, the codecs are H.264
    /// and Opus.
    /// </summary>
    public static class IngestMedia
    {
        private const string BothTracks = "a storage session records H.264 video and Opus audio together";

        public static async Task<IMediaSource> OpenAsync(IngestMediaOptions options, CancellationToken cancellationToken = default)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            if (options.InputUri != null) return await OpenFfmpegAsync(options.InputUri, cancellationToken).ConfigureAwait(false);
            if (options.Path == null && options.VideoPath == null && options.AudioPath == null) return await TestPattern.OpenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

            Func<CancellationToken, Task<IMediaSource>> open;
            if (options.Path != null)
            {
                string path = RequireFile(options.Path, "Path");
                string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
                if (extension == ".h264" || extension == ".264" || extension == ".avc")
                    throw new IngestMediaException($"'{path}' is H.264 without audio, and {BothTracks}; pass it as -VideoPath with an Ogg Opus -AudioPath.");
                if (extension != ".mkv" && extension != ".webm" && extension != ".mka")
                    throw new IngestMediaException($"'{path}' is not Matroska or WebM; use -InputUri '{path}' to let ffmpeg read and transcode it.");
                open = async ct => await OpenMatroskaAsync(path, ct).ConfigureAwait(false);
            }
            else
            {
                if (options.VideoPath == null || options.AudioPath == null)
                    throw new IngestMediaException($"Give both -VideoPath (H.264 Annex-B) and -AudioPath (Ogg Opus): {BothTracks}.");
                string video = RequireFile(options.VideoPath, "VideoPath"), audio = RequireFile(options.AudioPath, "AudioPath");
                open = async ct => await OpenPairAsync(video, audio, options.FrameRate, ct).ConfigureAwait(false);
            }
            return await LoopingMediaSource.OpenAsync(open, options.Loop ? (int?)null : 1, cancellationToken).ConfigureAwait(false);
        }

        private static string RequireFile(string path, string parameter)
        {
            string full = System.IO.Path.GetFullPath(path);
            if (!File.Exists(full)) throw new IngestMediaException($"The -{parameter} file '{full}' does not exist.", notFound: true);
            return full;
        }

        private static async Task<IMediaSource> OpenMatroskaAsync(string path, CancellationToken cancellationToken)
        {
            var stream = File.OpenRead(path);
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
            if (demuxer.Video == null || demuxer.Audio == null)
            {
                demuxer.Dispose();
                throw new IngestMediaException($"'{path}' has {(demuxer.Video == null ? "no H.264 video" : "no Opus audio")} track, and {BothTracks}; {MatroskaDemuxer.ReencodeAdvice}.");
            }
            return demuxer;
        }

        private static async Task<IMediaSource> OpenPairAsync(string videoPath, string audioPath, double? frameRate, CancellationToken cancellationToken)
        {
            IMediaSource? video = null;
            try
            {
                video = await H264AnnexBSource.OpenAsync(File.OpenRead(videoPath), frameRate, cancellationToken: cancellationToken).ConfigureAwait(false);
                var audio = await OggOpusSource.OpenAsync(File.OpenRead(audioPath), cancellationToken: cancellationToken).ConfigureAwait(false);
                return new InterleavedMediaSource(video, audio);
            }
            catch (WireFormatException e)
            {
                video?.Dispose();
                string which = video == null ? videoPath : audioPath;
                throw new IngestMediaException($"'{which}' cannot be sent: {e.Message}", innerException: e);
            }
        }

        private static async Task<IMediaSource> OpenFfmpegAsync(string uri, CancellationToken cancellationToken)
        {
            FfmpegSource source;
            try
            {
                source = await FfmpegSource.OpenAsync(uri, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (FfmpegException e)
            {
                throw new IngestMediaException($"ffmpeg could not read '{uri}': {e.Message}", innerException: e);
            }
            if (source.Video == null || source.Audio == null)
            {
                source.Dispose();
                throw new IngestMediaException($"'{uri}' gives {(source.Video == null ? "no video" : "no audio")}, and {BothTracks}.");
            }
            return source;
        }
    }
}
