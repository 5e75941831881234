using System;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Sends the built-in test pattern (640x480 30 fps H.264 with an IDR every second, and Opus) through our senders at
    /// the pace of its timestamps, as a live source would: a receiver's jitter buffer and decoder see real-time media,
    /// not a burst that they may legitimately drop.
    /// </summary>
    internal static class PacedTestPattern
    {
        /// <summary>How much of the pattern the decoding tests send, and the video frames that makes at 30 fps.</summary>
        public static readonly TimeSpan DecodingTestDuration = TimeSpan.FromSeconds(5);
        public const int VideoFramesInDecodingTest = 5 * 30;

        /// <summary>Sends every frame whose timestamp is before <paramref name="duration"/>; returns what the senders accepted.</summary>
        public static async Task<SentFrames> SendAsync(RtcRtpSender video, RtcRtpSender audio, TimeSpan duration, CancellationToken cancellationToken = default)
        {
            int videoFrames = 0, audioFrames = 0;
            using var pacer = new MediaPacer(await TestPattern.OpenAsync(cancellationToken: cancellationToken).ConfigureAwait(false));
            while (await pacer.ReadFrameAsync(cancellationToken).ConfigureAwait(false) is { } frame && frame.Timestamp < duration)
            {
                if (frame.Kind == MediaTrackKind.Video)
                {
                    if (video.SendFrame(frame.Payload.Span, frame.Timestamp)) videoFrames++;
                }
                else if (audio.SendFrame(frame.Payload.Span, frame.Timestamp))
                {
                    audioFrames++;
                }
            }
            return new SentFrames(videoFrames, audioFrames);
        }
    }
}
