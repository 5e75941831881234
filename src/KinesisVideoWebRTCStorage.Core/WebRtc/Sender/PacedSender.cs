using System;
using System.Buffers;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Sender
{
    /// <summary>
    /// A leaky-bucket pacer for one connection (libwebrtc's pacing controller, pion's gcc LeakyBucketPacer): RTP leaves
    /// at <see cref="PacingRate"/>, a multiple of the bandwidth estimate, so a keyframe is spread over tens of
    /// milliseconds instead of overflowing the bottleneck's buffer in one burst. A packet that fits the budget leaves at
    /// once on the caller's thread; the rest wait in a queue drained every few milliseconds on a pacing thread (the
    /// media's own, no thread-pool hop), resends ahead of
    /// new video. Audio is small and latency-sensitive: it never waits, but it spends the budget.
    /// <para>
    /// Everything runs under the connection's send lock, the lock its senders packetize under, so the transmit
    /// callback (interceptors, SRTP, socket) sees one thread at a time. Queued packets live in pooled buffers, so pacing
    /// allocates nothing per packet once warm.
    /// </para>
    /// </summary>
    public sealed class PacedSender : IDisposable
    {
        /// <summary>How often a non-empty queue is drained.</summary>
        public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

        /// <summary>Packets a queue holds at most; more is dropped and counted (NACK can still recover them).</summary>
        public const int MaxQueuedPackets = 4096;

        /// <summary>A queue longer than this at the pacing rate is drained faster, so media never waits for long.</summary>
        private static readonly TimeSpan MaxQueueTime = TimeSpan.FromSeconds(1);

        /// <summary>The budget a quiet moment may save up: a burst of this long at the pacing rate.</summary>
        private static readonly TimeSpan MaxBurst = TimeSpan.FromMilliseconds(10);

        private readonly object _sendLock;
        private readonly DatagramSender _transmit;
        private readonly Func<TimeSpan> _clock;
        private readonly Queue<Entry> _resends = new Queue<Entry>();
        private readonly Queue<Entry> _video = new Queue<Entry>();
        private readonly PacingClock _scheduler;
        private long _queuedBytes;
        private double _budgetBytes;
        private TimeSpan _lastRefill;
        private bool _drainScheduled, _disposed;

        /// <param name="transmit">Sends one plain RTP packet now (interceptors, SRTP, socket); called under <paramref name="sendLock"/>.</param>
        /// <param name="scheduler">Wakes the drain; the monotonic clock's pacing threads by default.</param>
        public PacedSender(object sendLock, DatagramSender transmit, Func<TimeSpan>? clock = null, PacingClock? scheduler = null)
        {
            _sendLock = sendLock ?? throw new ArgumentNullException(nameof(sendLock));
            _transmit = transmit ?? throw new ArgumentNullException(nameof(transmit));
            if (clock == null)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                clock = () => watch.Elapsed;
            }
            _clock = clock;
            _lastRefill = _clock();
            _scheduler = scheduler ?? PacingClock.Monotonic;
            Video = new Sink(this, Lane.Video);
            Audio = new Sink(this, Lane.Audio);
            Resends = new Sink(this, Lane.Resend);
        }

        /// <summary>Bits per second; set from the bandwidth estimate times a pacing factor.</summary>
        public long PacingRate { get; set; } = 10_000_000;

        public IRtpPacketSink Video { get; }
        public IRtpPacketSink Audio { get; }
        public IRtpPacketSink Resends { get; }

        /// <summary>Packets dropped because a queue was full.</summary>
        public long PacketsDropped { get; private set; }

        /// <summary>The longest any packet waited.</summary>
        public TimeSpan MaxQueueDelay { get; private set; }

        private enum Lane { Video, Audio, Resend }

        private void Enqueue(Lane lane, byte[] buffer, int length)
        {
            lock (_sendLock)
            {
                if (_disposed) return;
                var now = _clock();
                Refill(now);
                if (lane == Lane.Audio || (_budgetBytes > 0 && _resends.Count == 0 && _video.Count == 0))
                {
                    _budgetBytes -= length;
                    _transmit(buffer, length);
                    return;
                }
                var queue = lane == Lane.Resend ? _resends : _video;
                if (queue.Count >= MaxQueuedPackets)
                {
                    PacketsDropped++;
                    return;
                }
                var copy = ArrayPool<byte>.Shared.Rent(length + RtpPacketEmitter.TrailerRoom);
                Buffer.BlockCopy(buffer, 0, copy, 0, length);
                queue.Enqueue(new Entry(copy, length, now));
                _queuedBytes += length;
                Arm();
            }
        }

        private static readonly Action<object?> DrainCallback = pacer => ((PacedSender)pacer!).Drain();

        private void Drain()
        {
            lock (_sendLock)
            {
                _drainScheduled = false;
                if (_disposed) return;
                var now = _clock();
                Refill(now);
                while (_budgetBytes > 0 && (_resends.Count > 0 || _video.Count > 0))
                {
                    var entry = _resends.Count > 0 ? _resends.Dequeue() : _video.Dequeue();
                    _queuedBytes -= entry.Length;
                    _budgetBytes -= entry.Length;
                    var waited = now - entry.EnqueuedAt;
                    if (waited > MaxQueueDelay) MaxQueueDelay = waited;
                    try
                    {
                        _transmit(entry.Buffer, entry.Length);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(entry.Buffer);
                    }
                }
                if (_resends.Count > 0 || _video.Count > 0) Arm();
            }
        }

        private void Refill(TimeSpan now)
        {
            double rate = PacingRate / 8.0;
            if (_queuedBytes > 0)
            {
                // A backlog the pacing rate would not clear before its oldest packet has waited MaxQueueTime is drained
                // at the rate that does clear it by then.
                var oldest = _resends.Count > 0 ? _resends.Peek().EnqueuedAt : _video.Peek().EnqueuedAt;
                if (_video.Count > 0 && _video.Peek().EnqueuedAt < oldest) oldest = _video.Peek().EnqueuedAt;
                double remaining = Math.Max((MaxQueueTime - (now - oldest)).TotalSeconds, Interval.TotalSeconds);
                rate = Math.Max(rate, _queuedBytes / remaining);
            }
            double elapsed = Math.Max(0, (now - _lastRefill).TotalSeconds);
            _lastRefill = now;
            _budgetBytes = Math.Min(_budgetBytes + rate * elapsed, rate * MaxBurst.TotalSeconds);
        }

        private void Arm()
        {
            if (_drainScheduled) return;
            _drainScheduled = true;
            _scheduler.Schedule(_scheduler.Now + Interval, DrainCallback, this);
        }

        public void Dispose()
        {
            lock (_sendLock)
            {
                if (_disposed) return;
                _disposed = true;
                foreach (var entry in _resends) ArrayPool<byte>.Shared.Return(entry.Buffer);
                foreach (var entry in _video) ArrayPool<byte>.Shared.Return(entry.Buffer);
                _resends.Clear();
                _video.Clear();
                _queuedBytes = 0;
            }
        }

        private readonly struct Entry
        {
            public Entry(byte[] buffer, int length, TimeSpan enqueuedAt)
            {
                Buffer = buffer;
                Length = length;
                EnqueuedAt = enqueuedAt;
            }

            public byte[] Buffer { get; }
            public int Length { get; }
            public TimeSpan EnqueuedAt { get; }
        }

        private sealed class Sink : IRtpPacketSink
        {
            private readonly PacedSender _owner;
            private readonly Lane _lane;

            public Sink(PacedSender owner, Lane lane)
            {
                _owner = owner;
                _lane = lane;
            }

            public void OnRtpPacket(byte[] buffer, int length) => _owner.Enqueue(_lane, buffer, length);
        }
    }
}
