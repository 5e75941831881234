using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>
    /// Decides the live encoder's bitrate from the bandwidth estimate: below the estimate by a margin left for audio,
    /// headers and resends, between a floor and the requested maximum. It steps down at once (after a second since the
    /// last change) when the estimate falls, and up only after a few steady seconds, by at most half again, since each
    /// step restarts the encoder and the estimate grows only as fast as the media proves the link.
    /// </summary>
    public sealed class EncoderBitrateController
    {
        /// <summary>The lowest bitrate the encoder is asked for.</summary>
        public const long Floor = 150_000;

        private const double Headroom = 0.85, DownHysteresis = 0.92, UpHysteresis = 1.12, MaxUpStep = 1.5;
        private const long AudioAndOverhead = 80_000;
        private static readonly TimeSpan DownInterval = TimeSpan.FromSeconds(1), UpInterval = TimeSpan.FromSeconds(2);

        private readonly List<BitrateChange> _changes = new List<BitrateChange>();
        private TimeSpan _lastChange;

        public EncoderBitrateController(long maxBitrate, TimeSpan now)
        {
            Max = Math.Max(maxBitrate, Floor);
            Current = Max;
            // The first step down need not wait: a link found short at the start is short for the media already queued.
            _lastChange = now - DownInterval;
            _changes.Add(new BitrateChange(now, Current));
        }

        public long Max { get; }
        public long Current { get; private set; }

        /// <summary>Every bitrate asked for, the first being the start.</summary>
        public IReadOnlyList<BitrateChange> Changes => _changes;

        /// <param name="estimate">The bandwidth estimate; null while the link is not known to be short.</param>
        /// <returns>The new bitrate to ask for, or null to keep the current one.</returns>
        public long? Decide(long? estimate, TimeSpan now)
        {
            long desired = estimate is long bits ? (long)Math.Min(Max, Math.Max(Floor, (bits - AudioAndOverhead) * Headroom)) : Max;
            var since = now - _lastChange;
            long next;
            if (desired < Current * DownHysteresis && since >= DownInterval) next = desired;
            else if (desired > Current * UpHysteresis && since >= UpInterval) next = Math.Min(desired, (long)(Current * MaxUpStep));
            else return null;
            Current = next;
            _lastChange = now;
            _changes.Add(new BitrateChange(now, next));
            return next;
        }
    }

    /// <summary>A bitrate the live encoder was asked for, and when (from the start of the ingest).</summary>
    public sealed class BitrateChange
    {
        public BitrateChange(TimeSpan at, long bitrate)
        {
            At = at.TotalSeconds;
            Bitrate = bitrate;
        }

        /// <summary>Seconds since the ingest started.</summary>
        public double At { get; }

        /// <summary>Bits per second.</summary>
        public long Bitrate { get; }

        public override string ToString() => $"{Bitrate / 1000} kbit/s at {At:0.0} s";
    }
}
