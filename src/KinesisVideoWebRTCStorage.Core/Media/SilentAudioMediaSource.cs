using System;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// Gives a video-only source (a camera without a microphone, an H.264 file) the Opus track a storage session
    /// requires: 20 ms packets of silence, timestamped in step with the video from its first frame to its last.
    /// </summary>
    /// <remarks>
    /// Opus codes 20 ms of silence in three bytes, so no encoder runs: a CELT-only fullband 20 ms stereo TOC (config
    /// 31, RFC 6716 section 3.1) followed by a frame whose range coder decodes the silence flag at once.
    /// </remarks>
    public sealed class SilentAudioMediaSource : IMediaSource
    {
        public static readonly TimeSpan PacketDuration = TimeSpan.FromMilliseconds(20);

        private static readonly ReadOnlyMemory<byte> SilencePacket = new byte[] { 0xFC, 0xFF, 0xFE };

        private readonly IMediaSource _video;
        private MediaFrame? _pendingVideo;
        private bool _videoDone;
        private TimeSpan? _nextSilence;
        private TimeSpan _videoEnd;

        /// <summary>The video source this adds silence to.</summary>
        public IMediaSource Inner => _video;

        public SilentAudioMediaSource(IMediaSource video)
        {
            _video = video ?? throw new ArgumentNullException(nameof(video));
            if (video.Video == null) throw new ArgumentException("The source has no video track.", nameof(video));
            if (video.Audio != null) throw new ArgumentException("The source already has an audio track.", nameof(video));
            Audio = OpusHead.ForRtp(2);
            Audio.IsGeneratedSilence = true;
        }

        public H264CodecInfo? Video => _video.Video;

        public OpusCodecInfo? Audio { get; }

        public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            // The video frame is held, not read past, while silence catches up to it: its payload stays valid.
            if (_pendingVideo == null && !_videoDone)
            {
                _pendingVideo = await _video.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                _videoDone = _pendingVideo == null;
                if (_pendingVideo is MediaFrame frame)
                {
                    _nextSilence ??= frame.Timestamp;
                    if (frame.Timestamp + frame.Duration > _videoEnd) _videoEnd = frame.Timestamp + frame.Duration;
                }
            }
            if (_nextSilence is TimeSpan silence && (_pendingVideo == null ? silence < _videoEnd : silence < _pendingVideo.Value.Timestamp))
            {
                _nextSilence = silence + PacketDuration;
                return new MediaFrame(MediaTrackKind.Audio, silence, PacketDuration, true, SilencePacket);
            }
            var video = _pendingVideo;
            _pendingVideo = null;
            return video;
        }

        public void Dispose() => _video.Dispose();
    }
}
