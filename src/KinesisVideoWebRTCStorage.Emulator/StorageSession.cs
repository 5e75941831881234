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
    /// H.264 and Opus recvonly to the channel's master over signaling (no senderClientId, as the service sends them),
    /// records what arrives, and ends with a stated reason.
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
        private DateTime _connectedAt;
        private long _videoFrames, _audioFrames;
        private int _state = (int)StorageSessionState.Offering;

        private StorageSession(EmulatorOptions options, SignalingHub hub, string channelArn, string streamName, string recordingPath, Action<string> log)
        {
            _options = options;
            _hub = hub;
            _log = log;
            ChannelArn = channelArn;
            StreamName = streamName;
            RecordingPath = recordingPath;
            StartedAt = DateTime.UtcNow;
            _pc = new RtcPeerConnection(new RtcConfiguration
            {
                LoopbackOnly = System.Net.IPAddress.TryParse(options.Host, out var host) && System.Net.IPAddress.IsLoopback(host),
                ConnectTimeout = options.StorageConnectTimeout,
            });
            _recorder = new LiveMatroskaRecorder(() =>
            {
                Directory.CreateDirectory(Path.GetDirectoryName(recordingPath)!);
                return new FileStream(recordingPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            });
            foreach (var kind in new[] { MediaTrackKind.Video, MediaTrackKind.Audio })
                _pc.AddReceiver(kind).FrameReceived += OnFrame;
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

        internal static StorageSession Create(EmulatorOptions options, SignalingHub hub, string channelArn, string streamName,
            string recordingPath, Action<string> log) => new StorageSession(options, hub, channelArn, streamName, recordingPath, log);

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
            try
            {
                switch (message.Action)
                {
                    case SignalingMessageType.SDP_ANSWER:
                        var answer = SignalingCodec.DecodeSessionDescription(message.MessagePayload);
                        if (answer.Type != "answer") return;
                        Interlocked.CompareExchange(ref _state, (int)StorageSessionState.Connecting, (int)StorageSessionState.Offering);
                        _pc.SetRemoteDescription(new RtcSessionDescription(RtcSdpType.Answer, answer.Sdp));
                        break;
                    case SignalingMessageType.ICE_CANDIDATE:
                        var candidate = SignalingCodec.DecodeIceCandidate(message.MessagePayload);
                        _pc.AddIceCandidate(new RtcIceCandidateInit(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex));
                        break;
                }
            }
            catch (Exception e) when (e is SignalingFormatException || e is SdpFormatException || e is InvalidOperationException)
            {
                End($"the master's {message.Action} was refused: {e.Message}");
            }
        }

        private async Task SendCandidateAsync(RtcIceCandidateInit candidate)
        {
            await _hub.SendToMasterAsync(ChannelArn, new ServiceMessage(SignalingMessageType.ICE_CANDIDATE,
                SignalingCodec.EncodeIceCandidate(new IceCandidatePayload(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex)))).ConfigureAwait(false);
        }

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
            if (receiver.Kind == MediaTrackKind.Video) Interlocked.Increment(ref _videoFrames);
            else Interlocked.Increment(ref _audioFrames);
            _recorder.Write(receiver.Kind, payload, timestamp, isKeyFrame);
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

        private static string Describe(TimeSpan span) => span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{span.TotalHours:0} h" : $"{span.TotalSeconds:0.#} s";

        /// <summary>Ends the session: closes the connection (DTLS close_notify) and finishes the recording. Safe to call twice.</summary>
        public void End(string reason)
        {
            if (Interlocked.Exchange(ref _state, (int)StorageSessionState.Ended) == (int)StorageSessionState.Ended) return;
            EndReason = reason;
            EndedAt = DateTime.UtcNow;
            _watchdog.Dispose();
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
