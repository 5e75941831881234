using System;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// Merges a video-only and an audio-only source (an Annex-B file and an Ogg file) into one, in timestamp order.
    /// </summary>
    public sealed class InterleavedMediaSource : IMediaSource
    {
        private readonly IMediaSource _video;
        private readonly IMediaSource _audio;
        private MediaFrame? _nextVideo;
        private MediaFrame? _nextAudio;
        private bool _videoDone;
        private bool _audioDone;

        public InterleavedMediaSource(IMediaSource video, IMediaSource audio)
        {
            _video = video ?? throw new ArgumentNullException(nameof(video));
            _audio = audio ?? throw new ArgumentNullException(nameof(audio));
            if (video.Video == null) throw new ArgumentException("The video source has no video track.", nameof(video));
            if (audio.Audio == null) throw new ArgumentException("The audio source has no audio track.", nameof(audio));
        }

        public H264CodecInfo? Video => _video.Video;

        public OpusCodecInfo? Audio => _audio.Audio;

        public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            // Each source's payload stays valid until that source is read again, so only the side just returned is refilled.
            if (_nextVideo == null && !_videoDone)
            {
                _nextVideo = await _video.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                _videoDone = _nextVideo == null;
            }
            if (_nextAudio == null && !_audioDone)
            {
                _nextAudio = await _audio.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                _audioDone = _nextAudio == null;
            }
            bool takeVideo = _nextVideo != null && (_nextAudio == null || _nextVideo.Value.Timestamp <= _nextAudio.Value.Timestamp);
            var frame = takeVideo ? _nextVideo : _nextAudio;
            if (takeVideo) _nextVideo = null;
            else _nextAudio = null;
            return frame;
        }

        public void Dispose()
        {
            _video.Dispose();
            _audio.Dispose();
        }
    }
}
