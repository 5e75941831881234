using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Signaling;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>
    /// The emulator's storage service: a JoinStorageSession starts a <see cref="StorageSession"/> with the channel's
    /// connected master (a newer join preempts the running one), a JoinStorageSessionAsViewer adds a
    /// <see cref="ViewerLeg"/> to the channel's <see cref="StorageRoom"/> (up to the viewer limit), and the master's
    /// recipient-less messages and a joined viewer's messages reach them.
    /// </summary>
    public sealed class StorageService : IAsyncDisposable
    {
        private readonly EmulatorOptions _options;
        private readonly EmulatorState _state;
        private readonly SignalingHub _hub;
        private readonly Action<string> _log;
        private readonly object _lock = new object();
        private readonly Dictionary<string, StorageSession> _active = new Dictionary<string, StorageSession>(StringComparer.Ordinal);
        private readonly List<StorageSession> _all = new List<StorageSession>();
        private readonly Dictionary<string, StorageRoom> _rooms = new Dictionary<string, StorageRoom>(StringComparer.Ordinal);

        public StorageService(EmulatorOptions options, EmulatorState state, SignalingHub hub, ControlPlane controlPlane, Action<string> log)
        {
            _options = options;
            _state = state;
            _hub = hub;
            _log = log;
            controlPlane.StorageSessionRequested += (arn, clientId) => _ = OnJoinAsync(arn, clientId);
            controlPlane.ViewerJoinAllowed = (arn, clientId) => Room(arn).Viewers.Count(v => v.ClientId != clientId) < _options.MaxViewers;
            hub.MasterMessageToStorage += OnMasterMessage;
            hub.ViewerMessageToStorage = OnViewerMessage;
        }

        /// <summary>The folder recordings go to.</summary>
        public string RecordingsDirectory => _options.RecordingsDirectory ?? _options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "kvs-emulator-recordings");

        /// <summary>Every session started, running or ended, oldest first.</summary>
        public IReadOnlyList<StorageSession> Sessions { get { lock (_lock) return _all.ToList(); } }

        public StorageSession? Active(string channelArn)
        {
            lock (_lock) return _active.TryGetValue(channelArn, out var session) ? session : null;
        }

        /// <summary>Every channel's multi-party session that anyone joined.</summary>
        public IReadOnlyList<StorageRoom> Rooms { get { lock (_lock) return _rooms.Values.ToList(); } }

        /// <summary>The channel's multi-party session: its master's storage session and its viewers.</summary>
        public StorageRoom Room(string channelArn)
        {
            lock (_lock)
            {
                if (!_rooms.TryGetValue(channelArn, out var room)) _rooms[channelArn] = room = new StorageRoom(channelArn);
                return room;
            }
        }

        private async Task OnJoinAsync(string channelArn, string? viewerClientId)
        {
            try
            {
                if (viewerClientId != null)
                {
                    await JoinViewerAsync(channelArn, viewerClientId).ConfigureAwait(false);
                    return;
                }
                var master = _hub.Master(channelArn);
                if (master == null)
                {
                    _log($"JoinStorageSession for {channelArn}: no master is connected to signaling, so no offer is sent");
                    return;
                }
                string streamName;
                lock (_state.Gate)
                {
                    var channel = _state.ChannelByArn(channelArn);
                    var stream = _state.StreamByArn(channel?.StreamArn);
                    if (stream == null) return;
                    streamName = stream.Name;
                }
                StorageSession? previous;
                lock (_lock) _active.TryGetValue(channelArn, out previous);
                previous?.End("Preempted: a newer JoinStorageSession on the channel took over");

                var start = DateTime.UtcNow;
                var path = Path.Combine(RecordingsDirectory, streamName, start.ToString("yyyy-MM-dd'T'HH-mm-ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture) + ".mkv");
                master.InStorageSession = true;
                var room = Room(channelArn);
                var session = StorageSession.Create(_options, _hub, room, streamName, path, _log);
                room.SetMaster(session);
                lock (_lock)
                {
                    _active[channelArn] = session;
                    _all.Add(session);
                }
                _ = session.Ended.ContinueWith(_ =>
                {
                    lock (_lock)
                        if (_active.TryGetValue(channelArn, out var current) && current == session) _active.Remove(channelArn);
                }, TaskScheduler.Default);
                await session.OfferAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // An event handler on the request path: report, never crash the emulator.
                _log($"storage session for {channelArn} could not start: {e.Message}");
            }
        }

        private async Task JoinViewerAsync(string channelArn, string clientId)
        {
            var peer = _hub.Viewer(channelArn, clientId);
            if (peer == null)
            {
                _log($"JoinStorageSessionAsViewer for {channelArn} by {clientId}: the viewer is not connected to signaling, so no offer is sent");
                return;
            }
            peer.InStorageSession = true;
            var leg = new ViewerLeg(_options, _hub, channelArn, clientId, Room(channelArn).Mixer, _log);
            Room(channelArn).AddViewer(leg);
            _log($"JoinStorageSessionAsViewer for {channelArn} by {clientId}: joined" + (Active(channelArn) == null ? "; video follows once the master joins" : ""));
            await leg.OfferAsync().ConfigureAwait(false);
        }

        private void OnMasterMessage(SignalingPeer master, ClientMessage message) => Active(master.ChannelArn)?.OnMasterMessage(message);

        private bool OnViewerMessage(SignalingPeer viewer, ClientMessage message)
        {
            var leg = viewer.ClientId == null ? null : Room(viewer.ChannelArn).Viewer(viewer.ClientId);
            if (leg == null || leg.State == WebRtc.RtcPeerConnectionState.Closed) return false;
            leg.OnViewerMessage(message);
            return true;
        }

        /// <summary>Ends every running session, finishing its recording.</summary>
        public ValueTask DisposeAsync()
        {
            List<StorageSession> running;
            List<StorageRoom> rooms;
            lock (_lock)
            {
                running = _active.Values.ToList();
                rooms = _rooms.Values.ToList();
            }
            foreach (var room in rooms) room.EndViewers("the emulator is stopping");
            foreach (var session in running) session.End("the emulator is stopping");
            return default;
        }
    }
}
