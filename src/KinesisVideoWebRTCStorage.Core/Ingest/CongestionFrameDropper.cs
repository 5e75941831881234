using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.Media;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>
    /// Keeps pre-encoded video within what the link is estimated to carry, the only way media that cannot be
    /// re-encoded can: by not sending frames, GOP-aware. A leaky bucket drains at the estimate; a frame that would
    /// overfill it is dropped, and so is every frame after it up to the next IDR, since they reference it. The recording
    /// then freezes for the rest of a GOP instead of collapsing into frames nobody can decode. Audio always passes.
    /// <para>
    /// The keyframe is worth the most, since the whole GOP needs it: a frame is sent only if the bucket can still drain
    /// enough by the next keyframe for it to fit (at once, while the GOP's length is not known yet). The tail of a GOP is
    /// given up for the head of the next, instead of filling the bucket so that the keyframe and with it the whole next
    /// GOP is lost. A keyframe that finds less room than was kept for it, because the estimate fell during its GOP, is
    /// still sent while the bucket holds less than twice its capacity: the recording freezes for part of a GOP, not for
    /// a GOP and more.
    /// </para>
    /// </summary>
    public sealed class CongestionFrameDropper
    {
        /// <summary>How much the bucket holds: the estimate times this, so a keyframe fits through a tight link.</summary>
        private static readonly TimeSpan Burst = TimeSpan.FromSeconds(1);

        private bool _dropping;
        private double _bits;
        private TimeSpan? _last, _lastKeyFrame;
        private TimeSpan _gop;
        private long _keyFrameBits;
        private readonly Queue<(TimeSpan At, long Bits)> _unconstrained = new Queue<(TimeSpan At, long Bits)>(); // video sent in the last second while unconstrained

        /// <summary>Video frames not sent to stay within the estimate.</summary>
        public long Dropped { get; private set; }

        /// <param name="targetBitrate">The estimate in bits per second; null while the link is not known to be short.</param>
        public bool ShouldSend(in MediaFrame frame, long? targetBitrate)
        {
            if (frame.Kind != MediaTrackKind.Video) return true;
            var elapsed = _last is TimeSpan last && frame.Timestamp > last ? frame.Timestamp - last : TimeSpan.Zero;
            _last = frame.Timestamp;
            if (frame.IsKeyFrame) NoteKeyFrame(frame.Timestamp, frame.Payload.Length * 8L);
            if (targetBitrate is not long rate)
            {
                NoteUnconstrained(frame.Timestamp, frame.Payload.Length * 8L);
                return Decide(fits: true, frame.IsKeyFrame);
            }
            if (_unconstrained.Count > 0)
            {
                // The link was just found short: what the last second sent above its rate is still queued on it.
                long recent = 0;
                foreach (var (_, bits) in _unconstrained) recent += bits;
                _bits = Math.Max(0, recent - rate * Burst.TotalSeconds);
                _unconstrained.Clear();
            }
            _bits = Math.Max(0, _bits - rate * elapsed.TotalSeconds);
            long size = frame.Payload.Length * 8L;
            // A keyframe larger than a second of the link still gets through on an empty bucket: a frame a GOP.
            double capacity = Math.Max(rate * Burst.TotalSeconds, _keyFrameBits);
            bool fits;
            if (!frame.IsKeyFrame && _gop > TimeSpan.Zero && _lastKeyFrame is TimeSpan key)
            {
                // Sent if what the bucket then holds drains by the next keyframe enough for it to fit: early in a GOP
                // the bucket may run over, since the time to the next keyframe drains it.
                double untilNextKey = Math.Max(0, (key + _gop - frame.Timestamp).TotalSeconds);
                fits = Math.Max(0, _bits + size - rate * untilNextKey) + _keyFrameBits <= capacity;
            }
            else if (frame.IsKeyFrame)
            {
                // A keyframe dropped loses its whole GOP, a freeze of a GOP or more. The P-frames kept room for it, but an
                // estimate that fell since leaves less: it may then run the bucket over by up to its capacity again,
                // and the P-frames after it give way until the bucket has drained.
                fits = _bits + size <= 2 * capacity;
            }
            else
            {
                // A GOP whose length is not known yet: the next keyframe may come at any frame.
                fits = _bits + size + _keyFrameBits <= capacity;
            }
            if (!Decide(fits, frame.IsKeyFrame)) return false;
            _bits += size;
            return true;
        }

        private void NoteUnconstrained(TimeSpan at, long bits)
        {
            _unconstrained.Enqueue((at, bits));
            while (_unconstrained.Count > 0 && at - _unconstrained.Peek().At > Burst) _unconstrained.Dequeue();
        }

        private void NoteKeyFrame(TimeSpan at, long bits)
        {
            if (_lastKeyFrame is TimeSpan previous && at > previous) _gop = at - previous;
            _lastKeyFrame = at;
            _keyFrameBits = bits;
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
