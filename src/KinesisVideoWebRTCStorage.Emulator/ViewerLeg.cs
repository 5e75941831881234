using System;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Emulator.Mixing;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.WebRtc;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>
    /// One viewer's connection to a channel's storage session, after JoinStorageSessionAsViewer: our peer connection
    /// offers it the master's video sendonly and audio sendrecv over signaling (no senderClientId, as the service's
    /// offers come), forwards the master's video to it, and puts its microphone into the mixer and the mix of everyone
    /// else to it.
    /// </summary>
    public sealed class ViewerLeg
    {
        private readonly SignalingHub _hub;
        private readonly RtcPeerConnection _pc;
        private readonly RtcRtpSender _video;
        private readonly RtcRtpSender _audio;
        private readonly Action<string> _log;
        private readonly TimeSpan _sessionLimit;
        private int _ended;

        internal ViewerLeg(EmulatorOptions options, SignalingHub hub, string channelArn, string clientId, AudioMixer mixer, Action<string> log)
        {
            _hub = hub;
            _log = log;
            ChannelArn = channelArn;
            ClientId = clientId;
            JoinedAt = DateTime.UtcNow;
            _sessionLimit = options.StorageSessionLimit;
            _pc = StorageSignaling.NewConnection(options);
            _video = _pc.AddTrack(MediaTrackKind.Video);
            _audio = _pc.AddTrack(MediaTrackKind.Audio);
            var microphone = _pc.AddReceiver(MediaTrackKind.Audio);
            Voice = mixer.Add("viewer " + clientId, packet =>
            {
                if (Connected) _audio.SendFrame(packet.Span, _pc.Elapsed);
            });
            microphone.FrameReceived += (_, packet, _, _) => Voice.Push(packet);
            _video.KeyframeRequested += (_, _) => KeyframeRequested?.Invoke();
            _pc.ConnectionStateChanged += OnConnectionState;
            _pc.IceCandidate += candidate =>
            {
                if (!candidate.IsEndOfCandidates) _ = _hub.SendToViewerAsync(ChannelArn, ClientId, StorageSignaling.Candidate(candidate));
            };
        }

        public string ChannelArn { get; }
        public string ClientId { get; }
        public DateTime JoinedAt { get; }
        public bool Connected { get; private set; }
        public RtcPeerConnectionState State => _pc.ConnectionState;
        public long VideoFramesForwarded => _video.FramesSent;
        public long AudioFramesSent => _audio.FramesSent;
        internal MixerParticipant Voice { get; }

        /// <summary>The viewer lost a picture (or just joined): the master is asked for a keyframe.</summary>
        public event Action? KeyframeRequested;

        public event Action<ViewerLeg, string>? Ended;

        internal async Task OfferAsync()
        {
            var offer = _pc.CreateOffer();
            _pc.SetLocalDescription(offer);
            var message = new ServiceMessage(SignalingMessageType.SDP_OFFER, SignalingCodec.EncodeSessionDescription(new SessionDescriptionPayload("offer", offer.Sdp)));
            if (!await _hub.SendToViewerAsync(ChannelArn, ClientId, message).ConfigureAwait(false))
                End("the viewer disconnected from signaling before the offer could be sent");
            else _log($"storage session for {ChannelArn}: offer sent to viewer {ClientId}");
        }

        internal void OnViewerMessage(ClientMessage message)
        {
            if (StorageSignaling.Apply(_pc, message) is string refused) End($"viewer {ClientId}'s {message.Action} was refused: {refused}");
        }

        /// <summary>A frame of the master's video, forwarded under this connection's own SSRC and sequence numbers.</summary>
        internal void ForwardVideo(ReadOnlySpan<byte> accessUnit, TimeSpan timestamp)
        {
            if (Connected) _video.SendFrame(accessUnit, timestamp);
        }

        /// <summary>A viewer's connection, like the master's, lasts at most the storage session limit: it joins again to go on.</summary>
        internal void EndIfOverLimit(DateTime now)
        {
            if (now - JoinedAt >= _sessionLimit) End($"the storage session limit of {StorageSession.Describe(_sessionLimit)} was reached; join again to continue");
        }

        private void OnConnectionState(RtcPeerConnectionState state)
        {
            switch (state)
            {
                case RtcPeerConnectionState.Connected:
                    Connected = true;
                    _log($"storage session for {ChannelArn}: viewer {ClientId} connected ({_pc.GetStats().SelectedCandidatePair})");
                    KeyframeRequested?.Invoke(); // its first picture
                    break;
                case RtcPeerConnectionState.Failed:
                    End($"viewer {ClientId}'s WebRTC connection failed: {_pc.FailureReason}");
                    break;
                case RtcPeerConnectionState.Closed:
                    End($"viewer {ClientId} closed the WebRTC connection");
                    break;
            }
        }

        /// <summary>Ends the viewer's connection (DTLS close_notify). Safe to call twice.</summary>
        public void End(string reason)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 1) return;
            Connected = false;
            _pc.Close(reason);
            _log($"storage session for {ChannelArn}: viewer {ClientId} left: {reason}");
            Ended?.Invoke(this, reason);
        }
    }
}
