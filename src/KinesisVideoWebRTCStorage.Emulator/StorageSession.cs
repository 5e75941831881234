using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;

namespace KinesisVideoWebRTCStorage.Emulator
{
    public enum StorageSessionState
    {
        /// <summary>The offer went to the master; waiting for its answer.</summary>
        Offering,
        Connecting,
        Streaming,
        Ended,
    }

    /// <summary>
    /// One storage session, the emulator's side of what KVS runs after JoinStorageSession: our peer connection offers
    /// the channel's master H.264 recvonly and Opus sendrecv over signaling (no senderClientId, as the service sends
    /// them), records what arrives, passes the master's video to the room's viewers and its voice to the room's mixer
    /// (the master hears the viewers' mix; the recording then takes the mix of all), and ends with a stated reason.
    /// </summary>
    public sealed class StorageSession
    {
        private readonly EmulatorOptions _options;
        private readonly SignalingHub _hub;
        private readonly RtcPeerConnection _pc;
        private readonly LiveMatroskaRecorder _recorder;
        private readonly TaskCompletionSource<string> _ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Timer _watchdog;
        private readonly Action<string> _log;
        private readonly StorageRoom _room;
        private readonly RtcRtpReceiver _videoIn;
        private readonly RtcRtpSender _audioOut;
        private readonly Mixing.MixerParticipant _voice;
        private DateTime _connectedAt;
        private long _videoFrames, _audioFrames;
        private int _state = (int)StorageSessionState.Offering;

        private StorageSession(EmulatorOptions options, SignalingHub hub, StorageRoom room, string streamName, string recordingPath, Action<string> log)
        {
            _options = options;
            _hub = hub;
            _log = log;
            _room = room;
            string channelArn = room.ChannelArn;
            ChannelArn = channelArn;
            StreamName = streamName;
            RecordingPath = recordingPath;
            StartedAt = DateTime.UtcNow;
            _pc = StorageSignaling.NewConnection(options);
            _recorder = new LiveMatroskaRecorder(() =>
            {
                Directory.CreateDirectory(Path.GetDirectoryName(recordingPath)!);
                return new FileStream(recordingPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            });
            _videoIn = _pc.AddReceiver(MediaTrackKind.Video);
            _videoIn.FrameReceived += OnFrame;
            _pc.AddReceiver(MediaTrackKind.Audio).FrameReceived += OnFrame;
            _audioOut = _pc.AddTrack(MediaTrackKind.Audio);
            _voice = room.Mixer.Add("master", packet =>
            {
                if (State == StorageSessionState.Streaming) _audioOut.SendFrame(packet.Span, _pc.Elapsed);
            });
            room.Mixer.MixOfAll += RecordMix;
            _pc.ConnectionStateChanged += OnConnectionState;
            _pc.IceCandidate += candidate =>
            {
                if (!candidate.IsEndOfCandidates) _ = SendCandidateAsync(candidate);
            };
            _watchdog = new Timer(_ => Watch(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        }

        public string ChannelArn { get; }
        public string StreamName { get; }
        public DateTime StartedAt { get; }
        public DateTime? EndedAt { get; private set; }
        public StorageSessionState State => (StorageSessionState)Volatile.Read(ref _state);

        /// <summary>Why the session ended, once it has.</summary>
        public string? EndReason { get; private set; }

        /// <summary>The file this session records to; it exists once the first keyframe arrived.</summary>
        public string RecordingPath { get; }

        public bool Recorded => _recorder.Started;
        public long VideoFramesRecorded => _recorder.VideoFrames;
        public long AudioFramesRecorded => _recorder.AudioFrames;
        public long BytesRecorded => _recorder.Bytes;
        public TimeSpan DurationRecorded => _recorder.Duration;
        public RtcStatsReport Stats => _pc.GetStats();

        /// <summary>Completes with the end reason.</summary>
        public Task<string> Ended => _ended.Task;

        internal static StorageSession Create(EmulatorOptions options, SignalingHub hub, StorageRoom room, string streamName,
            string recordingPath, Action<string> log) => new StorageSession(options, hub, room, streamName, recordingPath, log);

        /// <summary>Asks the master for a keyframe: a viewer joined or lost a picture.</summary>
        internal void RequestKeyframe() => _videoIn.RequestKeyframe();

        /// <summary>Sends the offer (and, with <see cref="EmulatorOptions.CandidatesBeforeOffer"/>, its candidates first).</summary>
        internal async Task OfferAsync()
        {
            var offer = _pc.CreateOffer();
            _pc.SetLocalDescription(offer);
            var sdp = offer.Sdp;
            if (_options.CandidatesBeforeOffer)
            {
                var parsed = SdpSessionDescription.Parse(sdp);
                foreach (var media in parsed.Media)
                {
                    foreach (var candidate in media.Candidates.ToList()) await SendCandidateAsync(new RtcIceCandidateInit("candidate:" + candidate, media.Mid, 0)).ConfigureAwait(false);
                    media.Attributes.RemoveAll(a => a.Name == "candidate");
                }
                sdp = parsed.Serialize();
            }
            if (!await _hub.SendToMasterAsync(ChannelArn, new ServiceMessage(SignalingMessageType.SDP_OFFER,
                    SignalingCodec.EncodeSessionDescription(new SessionDescriptionPayload("offer", sdp)))).ConfigureAwait(false))
                End("the master disconnected from signaling before the offer could be sent");
            else _log($"storage session for {ChannelArn}: offer sent to the master");
        }

        internal void OnMasterMessage(ClientMessage message)
        {
            string? refused = StorageSignaling.Apply(_pc, message,
                () => Interlocked.CompareExchange(ref _state, (int)StorageSessionState.Connecting, (int)StorageSessionState.Offering));
            if (refused != null) End($"the master's {message.Action} was refused: {refused}");
        }

        private Task SendCandidateAsync(RtcIceCandidateInit candidate) => _hub.SendToMasterAsync(ChannelArn, StorageSignaling.Candidate(candidate));

        private void OnConnectionState(RtcPeerConnectionState state)
        {
            switch (state)
            {
                case RtcPeerConnectionState.Connected:
                    _connectedAt = DateTime.UtcNow;
                    Interlocked.Exchange(ref _state, (int)StorageSessionState.Streaming);
                    _log($"storage session for {ChannelArn}: connected ({_pc.GetStats().SelectedCandidatePair})");
                    break;
                case RtcPeerConnectionState.Failed:
                    End("the WebRTC connection failed: " + _pc.FailureReason);
                    break;
                case RtcPeerConnectionState.Closed when State != StorageSessionState.Ended:
                    End("the master closed the WebRTC connection" + (_pc.FailureReason != null ? $" ({_pc.FailureReason})" : ""));
                    break;
            }
        }

        private void OnFrame(RtcRtpReceiver receiver, ReadOnlySpan<byte> payload, TimeSpan timestamp, bool isKeyFrame)
        {
            if (receiver.Kind == MediaTrackKind.Video)
            {
                Interlocked.Increment(ref _videoFrames);
                _recorder.Write(receiver.Kind, payload, timestamp, isKeyFrame);
                _room.ForwardVideo(payload, timestamp);
                return;
            }
            Interlocked.Increment(ref _audioFrames);
            // With viewers the recording takes the mix of everyone (RecordMix); alone, the master's own packets.
            if (_room.HasViewers) _voice.Push(payload);
            else _recorder.Write(receiver.Kind, payload, timestamp, isKeyFrame);
        }

        private void RecordMix(ReadOnlyMemory<byte> packet)
        {
            if (State == StorageSessionState.Streaming) _recorder.Write(MediaTrackKind.Audio, packet.Span, _pc.Elapsed, false);
        }

        private void Watch()
        {
            var now = DateTime.UtcNow;
            if (now - StartedAt >= _options.StorageSessionLimit)
            {
                End($"the storage session limit of {Describe(_options.StorageSessionLimit)} was reached; join again to continue");
                return;
            }
            if (State == StorageSessionState.Offering && now - StartedAt >= _options.StorageConnectTimeout)
            {
                End($"the master did not answer the offer within {Describe(_options.StorageConnectTimeout)}");
                return;
            }
            if (State != StorageSessionState.Streaming || now - _connectedAt < _options.StorageMediaTimeout) return;
            bool video = Interlocked.Read(ref _videoFrames) > 0, audio = Interlocked.Read(ref _audioFrames) > 0;
            if (!video || !audio)
                End($"no {(!video && !audio ? "media" : !video ? "video" : "audio")} arrived within {Describe(_options.StorageMediaTimeout)} of connecting; " +
                    "a storage session needs both an H.264 video track and an Opus audio track");
        }

        internal static string Describe(TimeSpan span) => span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{span.TotalHours:0} h" : $"{span.TotalSeconds:0.#} s";

        /// <summary>Ends the session: closes the connection (DTLS close_notify) and finishes the recording. Safe to call twice.</summary>
        public void End(string reason)
        {
            if (Interlocked.Exchange(ref _state, (int)StorageSessionState.Ended) == (int)StorageSessionState.Ended) return;
            EndReason = reason;
            EndedAt = DateTime.UtcNow;
            _watchdog.Dispose();
            _room.Mixer.MixOfAll -= RecordMix;
            _room.Mixer.Remove(_voice);
            _pc.Close(reason);
            _recorder.Dispose();
            var master = _hub.Master(ChannelArn);
            if (master != null) master.InStorageSession = false;
            _log($"storage session for {ChannelArn} ended: {reason}; " + (_recorder.Started
                ? $"recorded {_recorder.VideoFrames} video and {_recorder.AudioFrames} audio frames ({_recorder.Duration.TotalSeconds:0.0} s) to {RecordingPath}"
                : "nothing was recorded"));
            _ended.TrySetResult(reason);
        }
    }
}
