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
    /// connected master (a newer join preempts the running one), and the master's recipient-less messages reach it.
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

        public StorageService(EmulatorOptions options, EmulatorState state, SignalingHub hub, ControlPlane controlPlane, Action<string> log)
        {
            _options = options;
            _state = state;
            _hub = hub;
            _log = log;
            controlPlane.StorageSessionRequested += (arn, clientId) => _ = OnJoinAsync(arn, clientId);
            hub.MasterMessageToStorage += OnMasterMessage;
        }

        /// <summary>The folder recordings go to.</summary>
        public string RecordingsDirectory => _options.RecordingsDirectory ?? _options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "kvs-emulator-recordings");

        /// <summary>Every session started, running or ended, oldest first.</summary>
        public IReadOnlyList<StorageSession> Sessions { get { lock (_lock) return _all.ToList(); } }

        public StorageSession? Active(string channelArn)
        {
            lock (_lock) return _active.TryGetValue(channelArn, out var session) ? session : null;
        }

        private async Task OnJoinAsync(string channelArn, string? viewerClientId)
        {
            try
            {
                if (viewerClientId != null)
                {
                    _log($"JoinStorageSessionAsViewer for {channelArn} by {viewerClientId}: accepted; viewers get no media from this emulator");
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
                var session = StorageSession.Create(_options, _hub, channelArn, streamName, path, _log);
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

        private void OnMasterMessage(SignalingPeer master, ClientMessage message) => Active(master.ChannelArn)?.OnMasterMessage(message);

        /// <summary>Ends every running session, finishing its recording.</summary>
        public ValueTask DisposeAsync()
        {
            List<StorageSession> running;
            lock (_lock) running = _active.Values.ToList();
            foreach (var session in running) session.End("the emulator is stopping");
            return default;
        }
    }
}
