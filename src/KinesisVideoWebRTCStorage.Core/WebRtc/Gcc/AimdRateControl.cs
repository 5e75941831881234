using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// The rate controller of Google congestion control (draft-ietf-rmcat-gcc-02 §5.5): on overuse the rate falls to
    /// 0.85 of the throughput that actually got through; while the link is normal it grows, by 15 % a second while the
    /// link's capacity is unknown (GCC's 8 % takes over 20 s to climb back from a 3-fold drop; cameras need it in 15) and by about a packet per response time near it; while underused it holds, letting
    /// the queue drain. Growth never runs past 1.5 times the acknowledged throughput, so a source that sends less
    /// than the estimate does not inflate it.
    /// </summary>
    public sealed class AimdRateControl
    {
        private const double Beta = 0.85, MultiplicativeIncreasePerSecond = 0.15;
        private enum RateState { Hold, Increase, Decrease }

        private readonly LinkCapacityEstimate _capacity = new LinkCapacityEstimate();
        private RateState _state = RateState.Hold;
        private long _lastUpdateMs = -1, _lastDecreaseMs;

        /// <summary>
        /// Without an overuse for this long, the link's capacity is taken to have grown (a congested uplink recovered)
        /// and growth is multiplicative again; near a steady capacity, overuse recurs well within it.
        /// </summary>
        private const long CapacityMemoryMs = 4000;

        /// <summary>How long a measured burst bounds decreases: a GOP or two, after which a keyframe measures again.</summary>
        private const long MeasuredCapacityMemoryMs = 5000;

        /// <summary>A throughput under this share of the measured capacity says the link fell since it was measured.</summary>
        private const double MeasuredCapacityPlausible = 0.6;

        private long? _measured;
        private long _measuredAtMs;

        public AimdRateControl(long startBitrate, long minBitrate, long maxBitrate)
        {
            if (minBitrate <= 0 || maxBitrate < minBitrate) throw new ArgumentOutOfRangeException(nameof(minBitrate));
            MinBitrate = minBitrate;
            MaxBitrate = maxBitrate;
            Bitrate = Clamp(startBitrate);
        }

        public long MinBitrate { get; }
        public long MaxBitrate { get; }

        /// <summary>The delay-based estimate, in bits per second.</summary>
        public long Bitrate { get; private set; }

        /// <summary>Overuse signals acted on: each is a decrease.</summary>
        public int Decreases { get; private set; }

        /// <param name="acknowledged">Throughput the feedback acknowledged, in bits per second, when known.</param>
        /// <param name="roundTripTime">The latest RTT, for the additive step's response time.</param>
        public long Update(BandwidthUsage usage, long? acknowledged, TimeSpan roundTripTime, long nowMs)
        {
            long elapsedMs = _lastUpdateMs < 0 ? 0 : Math.Min(Math.Max(nowMs - _lastUpdateMs, 0), 1000);
            _lastUpdateMs = nowMs;
            switch (usage)
            {
                case BandwidthUsage.Normal when _state == RateState.Hold:
                    _state = RateState.Increase;
                    break;
                case BandwidthUsage.Overusing when _state != RateState.Decrease:
                    _state = RateState.Decrease;
                    break;
                case BandwidthUsage.Underusing:
                    _state = RateState.Hold;
                    break;
            }
            switch (_state)
            {
                case RateState.Increase:
                    if (nowMs - _lastDecreaseMs > CapacityMemoryMs) _capacity.Reset();
                    Increase(acknowledged, roundTripTime, elapsedMs);
                    break;
                case RateState.Decrease:
                    _lastDecreaseMs = nowMs;
                    Decrease(acknowledged, nowMs);
                    _state = RateState.Hold;
                    break;
            }
            return Bitrate;
        }

        /// <summary>
        /// A burst the link spread out measured its capacity directly (<see cref="BurstDispersionProbe"/>): an estimate
        /// above it is an overuse found without waiting for the queue to build, and falls as one would. An estimate
        /// well below it, while the delay does not say overuse, rises to where a back-off from that capacity would
        /// put it, as libwebrtc takes a probe's result: media thinned to a low estimate cannot prove a higher one
        /// through its throughput, so without this the estimate stays wherever the last deep back-off left it. The
        /// raise stops at the link's known capacity (its upper bound): one burst read far above it is likelier a
        /// receiver's clock than a faster link, which <see cref="CapacityMemoryMs"/> finds anyway.
        /// </summary>
        /// <returns>True when the estimate fell.</returns>
        public bool OnCapacityMeasured(long capacity, BandwidthUsage usage, long nowMs)
        {
            _measured = capacity;
            _measuredAtMs = nowMs;
            if (capacity >= Bitrate)
            {
                long backedOff = (long)(Beta * Math.Min(capacity, _capacity.UpperBoundKbps * 1000));
                if (usage != BandwidthUsage.Overusing && backedOff > Bitrate) Bitrate = Clamp(backedOff);
                return false;
            }
            Decreases++;
            _lastDecreaseMs = nowMs;
            _capacity.OnOveruse(capacity / 1000.0);
            Bitrate = Clamp((long)(Beta * capacity));
            _state = RateState.Hold;
            return true;
        }

        /// <summary>The link's capacity as overuse and measured bursts found it, in bits per second; null when unknown.</summary>
        public long? LinkCapacity => _capacity.EstimateKbps is double kbps ? (long)(kbps * 1000) : (long?)null;

        private void Increase(long? acknowledged, TimeSpan roundTripTime, long elapsedMs)
        {
            if (acknowledged is long ack && ack / 1000.0 > _capacity.UpperBoundKbps) _capacity.Reset(); // the link got faster
            double increase;
            if (_capacity.EstimateKbps != null)
            {
                // About one packet more per response time (an RTT plus 100 ms), as a frame of this rate is packetized.
                double bitsPerFrame = Bitrate / 30.0;
                double packetsPerFrame = Math.Ceiling(bitsPerFrame / (1200 * 8));
                double responseMs = 100 + roundTripTime.TotalMilliseconds;
                increase = Math.Max(4000, bitsPerFrame / packetsPerFrame * 1000 / responseMs) * elapsedMs / 1000;
            }
            else
            {
                increase = Math.Max(Bitrate * (Math.Pow(1 + MultiplicativeIncreasePerSecond, elapsedMs / 1000.0) - 1), 1000 * elapsedMs / 1000.0);
            }
            long next = (long)(Bitrate + increase);
            if (acknowledged is long throughput)
            {
                long ceiling = (long)(1.5 * throughput) + 10_000;
                if (Bitrate >= ceiling) return; // already above what the source proves the link carries: hold
                next = Math.Min(next, ceiling);
            }
            Bitrate = Clamp(next);
        }

        private void Decrease(long? acknowledged, long nowMs)
        {
            Decreases++;
            long basis = acknowledged ?? Bitrate;
            if (acknowledged is long ack) _capacity.OnOveruse(ack / 1000.0);
            // The throughput window of media thinned GOP by GOP holds the silent tails too, and under-reads the link; a
            // burst measured lately does not. Far below it, though, the link itself fell: the throughput is believed.
            if (_measured is long measured && nowMs - _measuredAtMs <= MeasuredCapacityMemoryMs && basis >= measured * MeasuredCapacityPlausible)
                basis = Math.Max(basis, measured);
            long next = (long)(Beta * basis);
            if (next < Bitrate) Bitrate = Clamp(next);
        }

        private long Clamp(long bitrate) => Math.Min(Math.Max(bitrate, MinBitrate), MaxBitrate);
    }
}
