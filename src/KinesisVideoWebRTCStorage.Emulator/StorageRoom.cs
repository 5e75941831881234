using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Emulator.Mixing;
using KinesisVideoWebRTCStorage.Media;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>
    /// A channel's multi-party storage session: the master's <see cref="StorageSession"/> (when one is joined) and the
    /// viewers' <see cref="ViewerLeg"/>s. The master's video goes to every viewer; while anyone views, an
    /// <see cref="AudioMixer"/> ticks every 20 ms, each participant hearing everyone else and the recording the mix of
    /// all; once a second it ends the viewer connections that reached the storage session limit. As the service's rules say, viewers cannot hear each other without the master: while no master is connected
    /// the mixer's ticks only discard what viewers say.
    /// </summary>
    public sealed class StorageRoom
    {
        private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(20);
        private const int TicksPerLimitCheck = 50;
        private readonly object _lock = new object();
        private readonly Dictionary<string, ViewerLeg> _viewers = new Dictionary<string, ViewerLeg>(StringComparer.Ordinal);
        private StorageSession? _master;
        private bool _ticking;
        private TimeSpan _nextTick;
        private int _ticksToLimitCheck;

        public StorageRoom(string channelArn)
        {
            ChannelArn = channelArn;
        }

        public string ChannelArn { get; }
        public AudioMixer Mixer { get; } = new AudioMixer();

        public StorageSession? Master
        {
            get { lock (_lock) return _master; }
        }

        public IReadOnlyList<ViewerLeg> Viewers
        {
            get { lock (_lock) return _viewers.Values.ToList(); }
        }

        /// <summary>True while at least one viewer is joined: the master's audio then goes through the mixer.</summary>
        public bool HasViewers
        {
            get { lock (_lock) return _viewers.Count > 0; }
        }

        public ViewerLeg? Viewer(string clientId)
        {
            lock (_lock) return _viewers.TryGetValue(clientId, out var leg) ? leg : null;
        }

        internal void SetMaster(StorageSession session)
        {
            lock (_lock) _master = session;
            session.Ended.ContinueWith(_ =>
            {
                lock (_lock)
                    if (_master == session) _master = null;
            }, System.Threading.Tasks.TaskScheduler.Default);
        }

        /// <summary>Adds a viewer; one with the same client id is ended first (a newer join takes precedence).</summary>
        internal void AddViewer(ViewerLeg leg)
        {
            ViewerLeg? previous;
            lock (_lock)
            {
                _viewers.TryGetValue(leg.ClientId, out previous);
                _viewers[leg.ClientId] = leg;
            }
            previous?.End("a newer JoinStorageSessionAsViewer with the same client id took its place");
            leg.KeyframeRequested += () => Master?.RequestKeyframe();
            leg.Ended += (ended, _) =>
            {
                Mixer.Remove(ended.Voice);
                lock (_lock)
                    if (_viewers.TryGetValue(ended.ClientId, out var current) && current == ended) _viewers.Remove(ended.ClientId);
            };
            StartTicking();
        }

        /// <summary>A frame of the master's video for every connected viewer.</summary>
        internal void ForwardVideo(ReadOnlySpan<byte> accessUnit, TimeSpan timestamp)
        {
            foreach (var viewer in Viewers) viewer.ForwardVideo(accessUnit, timestamp);
        }

        private void StartTicking()
        {
            lock (_lock)
            {
                if (_ticking) return;
                _ticking = true;
                _nextTick = PacingClock.Monotonic.Now + TickInterval;
            }
            PacingClock.Monotonic.Schedule(_nextTick, TickCallback, this);
        }

        /// <summary>Mixes every 20 ms while anyone views, on a pacing thread, on a fixed grid so the mix never drifts.</summary>
        private static readonly Action<object?> TickCallback = Tick;

        private static void Tick(object? state)
        {
            var room = (StorageRoom)state!;
            TimeSpan next;
            bool mastered;
            List<ViewerLeg>? limitChecked = null;
            lock (room._lock)
            {
                if (room._viewers.Count == 0)
                {
                    room._ticking = false;
                    return;
                }
                // After a stall, skip the ticks that are already past rather than mixing them in a burst.
                room._nextTick += TickInterval;
                var now = PacingClock.Monotonic.Now;
                if (room._nextTick < now) room._nextTick = now + TickInterval;
                next = room._nextTick;
                mastered = room._master?.State == StorageSessionState.Streaming;
                if (--room._ticksToLimitCheck <= 0)
                {
                    room._ticksToLimitCheck = TicksPerLimitCheck;
                    limitChecked = room._viewers.Values.ToList();
                }
            }
            if (limitChecked != null)
            {
                var now = DateTime.UtcNow;
                foreach (var viewer in limitChecked) viewer.EndIfOverLimit(now);
            }
            if (mastered) room.Mixer.Tick();
            else room.Mixer.Discard();
            PacingClock.Monotonic.Schedule(next, TickCallback, room);
        }

        /// <summary>Ends every viewer's connection.</summary>
        internal void EndViewers(string reason)
        {
            foreach (var viewer in Viewers) viewer.End(reason);
        }
    }
}
