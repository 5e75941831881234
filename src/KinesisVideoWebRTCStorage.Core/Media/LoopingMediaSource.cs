using System;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// Plays a source over and over with timestamps that keep increasing: each pass is shifted by the span of the
    /// previous pass's video (or audio, without video), so both tracks stay in sync across the seam.
    /// </summary>
    /// <remarks>Seamless when the audio covers exactly the video's span, as in the built-in test pattern.</remarks>
    public sealed class LoopingMediaSource : IMediaSource
    {
        private readonly Func<CancellationToken, Task<IMediaSource>> _open;
        private readonly int? _passes;
        private IMediaSource _current;
        private MediaTrackKind _primary;
        private int _pass;
        private TimeSpan _offset;
        private TimeSpan _primaryStart = TimeSpan.MaxValue;
        private TimeSpan _primaryEnd = TimeSpan.MinValue;

        private LoopingMediaSource(Func<CancellationToken, Task<IMediaSource>> open, IMediaSource first, int? passes)
        {
            _open = open;
            _current = first;
            _passes = passes;
            _primary = first.Video != null ? MediaTrackKind.Video : MediaTrackKind.Audio;
            Video = first.Video;
            Audio = first.Audio;
        }

        public H264CodecInfo? Video { get; }

        public OpusCodecInfo? Audio { get; }

        /// <param name="open">Opens the source afresh for each pass.</param>
        /// <param name="passes">How many passes to play; null for ever.</param>
        public static async Task<LoopingMediaSource> OpenAsync(Func<CancellationToken, Task<IMediaSource>> open, int? passes = null, CancellationToken cancellationToken = default)
        {
            if (open == null) throw new ArgumentNullException(nameof(open));
            if (passes <= 0) throw new ArgumentOutOfRangeException(nameof(passes));
            return new LoopingMediaSource(open, await open(cancellationToken).ConfigureAwait(false), passes);
        }

        public async ValueTask<MediaFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
        {
            var frame = await _current.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (frame == null)
            {
                if (_primaryEnd <= _primaryStart || ++_pass == _passes) return null; // an empty pass would loop for ever
                _offset += _primaryEnd - _primaryStart;
                _primaryStart = TimeSpan.MaxValue;
                _primaryEnd = TimeSpan.MinValue;
                _current.Dispose();
                _current = await _open(cancellationToken).ConfigureAwait(false);
                frame = await _current.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                if (frame == null) return null;
            }
            var f = frame.Value;
            if (f.Kind == _primary)
            {
                if (f.Timestamp < _primaryStart) _primaryStart = f.Timestamp;
                if (f.Timestamp + f.Duration > _primaryEnd) _primaryEnd = f.Timestamp + f.Duration;
            }
            return f.WithTimestamp(f.Timestamp + _offset);
        }

        public void Dispose() => _current.Dispose();
    }
}
