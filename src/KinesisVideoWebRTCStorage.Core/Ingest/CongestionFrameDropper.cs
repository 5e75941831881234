using System;
using KinesisVideoWebRTCStorage.Media;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>
    /// Keeps pre-encoded video within what the link is estimated to carry, the only way media that cannot be
    /// re-encoded can: by not sending frames, GOP-aware. A leaky bucket drains at the estimate; a frame that would
    /// overfill it is dropped, and so is every frame after it up to the next IDR, since they reference it. The recording
    /// then freezes for the rest of a GOP instead of collapsing into frames nobody can decode. Audio always passes.
    /// </summary>
    public sealed class CongestionFrameDropper
    {
        /// <summary>How much the bucket holds: the estimate times this, so a keyframe fits through a tight link.</summary>
        private static readonly TimeSpan Burst = TimeSpan.FromSeconds(1);

        private bool _dropping;
        private double _bits;
        private TimeSpan? _last;

        /// <summary>Video frames not sent to stay within the estimate.</summary>
        public long Dropped { get; private set; }

        /// <param name="targetBitrate">The estimate in bits per second; null while the link is not known to be short.</param>
        public bool ShouldSend(in MediaFrame frame, long? targetBitrate)
        {
            if (frame.Kind != MediaTrackKind.Video) return true;
            var elapsed = _last is TimeSpan last && frame.Timestamp > last ? frame.Timestamp - last : TimeSpan.Zero;
            _last = frame.Timestamp;
            if (targetBitrate is not long rate)
            {
                _bits = 0;
                return Decide(fits: true, frame.IsKeyFrame);
            }
            _bits = Math.Max(0, _bits - rate * elapsed.TotalSeconds);
            long size = frame.Payload.Length * 8L;
            bool fits = _bits + size <= rate * Burst.TotalSeconds;
            if (!Decide(fits, frame.IsKeyFrame)) return false;
            _bits += size;
            return true;
        }

        private bool Decide(bool fits, bool isKeyFrame)
        {
            // Once a frame is dropped, what follows until the next IDR references it: it cannot be decoded either.
            if (_dropping && !isKeyFrame) fits = false;
            _dropping = !fits;
            if (!fits) Dropped++;
            return fits;
        }
    }
}
