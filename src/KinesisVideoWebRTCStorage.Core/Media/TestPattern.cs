using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media.H264;
using KinesisVideoWebRTCStorage.Media.Ogg;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// The built-in source that needs no external tool: 2 s of 640x480 30 fps constrained-baseline H.264 (an IDR every
    /// second) and a 440 Hz Opus tone, embedded in the assembly and looped with continuous timestamps.
    /// </summary>
    public static class TestPattern
    {
        public static readonly TimeSpan PassDuration = TimeSpan.FromSeconds(2);

        /// <param name="passes">How many 2 s passes to play; null for ever.</param>
        public static Task<LoopingMediaSource> OpenAsync(int? passes = null, CancellationToken cancellationToken = default) =>
            LoopingMediaSource.OpenAsync(OpenPassAsync, passes, cancellationToken);

        private static async Task<IMediaSource> OpenPassAsync(CancellationToken cancellationToken)
        {
            var video = await H264AnnexBSource.OpenAsync(Resource("test-pattern.h264"), 30, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                var audio = await OggOpusSource.OpenAsync(Resource("test-pattern.ogg"), cancellationToken: cancellationToken).ConfigureAwait(false);
                return new InterleavedMediaSource(video, audio);
            }
            catch
            {
                video.Dispose();
                throw;
            }
        }

        /// <summary>The built-in microphone of a viewer: an 880 Hz Opus tone (an octave above the pattern's), looped.</summary>
        /// <param name="passes">How many 1 s passes to play; null for ever.</param>
        public static Task<LoopingMediaSource> OpenToneAsync(int? passes = null, CancellationToken cancellationToken = default) =>
            LoopingMediaSource.OpenAsync(async token => await OggOpusSource.OpenAsync(Resource("tone-880.ogg"), cancellationToken: token).ConfigureAwait(false),
                passes, cancellationToken);

        private static Stream Resource(string name) =>
            typeof(TestPattern).Assembly.GetManifestResourceStream("KinesisVideoWebRTCStorage.Media.TestPattern." + name)
            ?? throw new InvalidOperationException($"The test pattern resource {name} is missing from the assembly.");
    }
}
