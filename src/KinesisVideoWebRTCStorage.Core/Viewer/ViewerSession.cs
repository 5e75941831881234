using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.WebRtc;

namespace KinesisVideoWebRTCStorage.Viewer
{
    /// <summary>
    /// A viewer of a channel's storage session (multi-way audio): it connects to signaling as VIEWER with its client id,
    /// calls JoinStorageSessionAsViewer until the storage session's offer arrives, answers video recvonly and audio
    /// sendrecv (recvonly without a microphone), records the master's video and the audio it hears to Matroska, and
    /// speaks what <see cref="ViewerMicrophone"/> opens. A lost connection is rejoined; a newer join with the same
    /// client id ends this one as Preempted; the service's viewer limit (ClientLimitExceededException) is final.
    /// </summary>
    public sealed class ViewerSession
    {
        private readonly KvsConnection _connection;
        private readonly ViewerOptions _options;
        private readonly ViewerResult _result = new ViewerResult();
        private readonly Stopwatch _clock = new Stopwatch();
        private readonly object _gate = new object();
        private SignalingChannelEndpoints _endpoints = null!;
        private IceServerCache _iceServers = null!;
        private SignalingConnection? _signaling;
        private Attempt? _attempt;
        private LiveMatroskaRecorder? _recorder;
        private bool _speaks;
        private long _videoFrames, _keyFrames, _audioFrames, _bytes, _audioSent;
        private TaskCompletionSource<WebSocketCloseStatus?> _signalingClosed = NewSignal<WebSocketCloseStatus?>();

        private ViewerSession(KvsConnection connection, ViewerOptions options)
        {
            _connection = connection ?? throw new ArgumentNullException(nameof(connection));
            _options = options ?? throw new ArgumentNullException(nameof(options));
        }

        /// <summary>
        /// Runs one viewer to its end. Problems found before any call throw their typed error
        /// (<see cref="ViewerOptionsException"/>, service errors such as the viewer limit); later failures end the run
        /// with <see cref="ViewerEndReason.Failed"/> and the result so far. Cancellation stops cleanly.
        /// </summary>
        public static Task<ViewerResult> RunAsync(KvsConnection connection, ViewerOptions options, CancellationToken cancellationToken = default) =>
            new ViewerSession(connection, options).RunAsync(cancellationToken);

        private async Task<ViewerResult> RunAsync(CancellationToken cancellationToken)
        {
            _clock.Start();
            _result.StartTime = DateTime.UtcNow;
            _result.ClientId = _options.ClientId;
            string? outFile = CheckOptions();
            var said = await ViewerMicrophone.OpenAsync(_options, cancellationToken).ConfigureAwait(false);
            using var microphone = said == null ? null : new MediaPacer(said);
            _speaks = microphone != null;
            if (outFile != null)
            {
                _recorder = new LiveMatroskaRecorder(() =>
                {
                    _result.RecordingPath = outFile;
                    return new FileStream(outFile, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
                });
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task? speaking = null;
            try
            {
                await PreflightAsync(cancellationToken).ConfigureAwait(false);
                await ConnectSignalingAsync(cancellationToken).ConfigureAwait(false);
                if (microphone != null) speaking = Task.Run(() => SpeakAsync(microphone, stop.Token));
                _result.EndReason = await StayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _result.EndReason = ViewerEndReason.Stopped;
            }
            catch (Exception e) when (_result.StorageSessions > 0 && !(e is OutOfMemoryException))
            {
                // Past the first connection, a failure ends a running viewer: keep what it received.
                _result.EndReason = ViewerEndReason.Failed;
                _result.Error = e.Message;
            }
            finally
            {
                stop.Cancel();
                if (speaking != null) await Task.WhenAny(speaking, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
                _attempt?.Pc.Close(_result.EndReason.ToString());
                var signaling = _signaling;
                if (signaling != null)
                {
                    await signaling.CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                    signaling.Dispose();
                }
                _recorder?.Dispose();
                _result.VideoFramesReceived = Interlocked.Read(ref _videoFrames);
                _result.KeyFramesReceived = Interlocked.Read(ref _keyFrames);
                _result.AudioFramesReceived = Interlocked.Read(ref _audioFrames);
                _result.BytesReceived = Interlocked.Read(ref _bytes);
                _result.AudioFramesSent = Interlocked.Read(ref _audioSent);
                _result.EndTime = DateTime.UtcNow;
            }
            if (_result.StorageSessions > 0 && _result.VideoFramesReceived == 0)
                _result.Warnings = new[] { "No video was received: the channel's master did not join the storage session while this viewer was connected (video flows only from a master that is streaming)." };
            Trace($"ended: {_result}");
            return _result;
        }

        private string? CheckOptions()
        {
            if (!SignalingCodec.IsValidClientId(_options.ClientId))
                throw new ViewerOptionsException($"'{_options.ClientId}' is not a valid client id: use 1 to 256 of the characters a-z, A-Z, 0-9, '_', '.' and '-'.", "ClientId");
            if (_options.OutFile == null) return null;
            string full = Path.GetFullPath(_options.OutFile);
            string extension = Path.GetExtension(full).ToLowerInvariant();
            if (extension != ".mkv" && extension != ".mka" && extension != ".webm")
                throw new ViewerOptionsException($"The recording cannot be written to '{full}': name a Matroska file (.mkv).", "OutFile");
            string? folder = Path.GetDirectoryName(full);
            if (folder != null && !Directory.Exists(folder))
                throw new ViewerOptionsException($"The recording cannot be written to '{full}': the folder '{folder}' does not exist.", "OutFile");
            return full;
        }

        private async Task PreflightAsync(CancellationToken cancellationToken)
        {
            var controlPlane = _connection.ControlPlane();
            string arn = await controlPlane.ResolveChannelArnAsync(_options.Channel, cancellationToken).ConfigureAwait(false);
            _result.ChannelARN = arn;
            _endpoints = await SignalingEndpointLookup.GetAsync(controlPlane, ChannelReference.FromArn(arn), ChannelRole.VIEWER,
                SignalingEndpointLookup.AllProtocols, cancellationToken).ConfigureAwait(false);
            if (_endpoints.WssEndpoint == null || _endpoints.HttpsEndpoint == null || _endpoints.WebRtcEndpoint == null)
                throw new KinesisVideoResponseException($"GetSignalingChannelEndpoint did not return WSS, HTTPS and WEBRTC endpoints for {arn}.");
            _iceServers = new IceServerCache(_connection, KvsEndpoints.ParseEndpointUrl(_endpoints.HttpsEndpoint), arn, _options.ClientId, _options.LoopbackOnly);
            await _iceServers.GetAsync(cancellationToken).ConfigureAwait(false);
            Trace($"channel {arn}: signaling {_endpoints.WssEndpoint}, storage {_endpoints.WebRtcEndpoint}");
        }

        private async Task ConnectSignalingAsync(CancellationToken cancellationToken)
        {
            var credentials = await _connection.GetCredentialsAsync().ConfigureAwait(false);
            var url = SignalingUrl.ForViewer(_endpoints.WssEndpoint!, _result.ChannelARN, _options.ClientId, credentials, _connection.Region.Name);
            var signaling = await SignalingConnection.ConnectAsync(url, _options.SignalingConnectTimeout, cancellationToken, _connection.TrustedAuthorities).ConfigureAwait(false);
            var previous = _signaling;
            _signaling = signaling;
            _signalingClosed = NewSignal<WebSocketCloseStatus?>();
            previous?.Dispose(); // after GO_AWAY it may still be open
            Trace($"signaling connected to {signaling.Endpoint} as viewer {_options.ClientId}");
            _ = Task.Run(() => ReceiveSignalingAsync(signaling));
        }

        /// <summary>
        /// Joins, stays connected until the duration is reached or the run is stopped, and rejoins a lost connection. A
        /// lost signaling connection (GO_AWAY, or dropped) is reconnected on its own: the media connection does not need it.
        /// </summary>
        private async Task<ViewerEndReason> StayAsync(CancellationToken cancellationToken)
        {
            DateTime? until = null;
            int recoveries = 0;
            while (true)
            {
                var attempt = await JoinUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
                recoveries = 0;
                if (until == null && _options.Duration is TimeSpan duration) until = DateTime.UtcNow + duration;
                Task done;
                while (true)
                {
                    var wait = until is DateTime end ? Task.Delay(Max(end - DateTime.UtcNow, TimeSpan.Zero), cancellationToken) : Task.Delay(Timeout.Infinite, cancellationToken);
                    done = await Task.WhenAny(wait, attempt.Lost.Task, _signalingClosed.Task).ConfigureAwait(false);
                    if (done == wait)
                    {
                        await wait.ConfigureAwait(false); // throws when stopped
                        return ViewerEndReason.DurationReached;
                    }
                    // A newer viewer with the same client id first replaces our signaling connection, then our storage
                    // connection; the two may be seen in either order, and rejoining would take its place back.
                    if (done == attempt.Lost.Task) await Task.WhenAny(_signalingClosed.Task, Task.Delay(PreemptionGrace, cancellationToken)).ConfigureAwait(false);
                    if (_signalingClosed.Task.IsCompleted && _signalingClosed.Task.Result == WebSocketCloseStatus.PolicyViolation)
                    {
                        Trace("a newer viewer with the same client id took this one's place");
                        return ViewerEndReason.Preempted;
                    }
                    if (done == attempt.Lost.Task) break;
                    Trace("signaling lost; reconnecting it while the media connection stays up");
                    await ConnectSignalingAsync(cancellationToken).ConfigureAwait(false);
                }
                string why = attempt.Lost.Task.Result;
                if (++recoveries > _options.MaxConsecutiveRecoveries) throw new IOException($"The storage session connection kept failing: {why}.");
                _result.Reconnects++;
                Trace($"connection lost ({why}); rejoining");
                attempt.Pc.Close("rejoining");
                if (_signalingClosed.Task.IsCompleted) await ConnectSignalingAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private static readonly TimeSpan PreemptionGrace = TimeSpan.FromSeconds(1);

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        private async Task<Attempt> JoinUntilConnectedAsync(CancellationToken cancellationToken)
        {
            var storage = _connection.Storage(KvsEndpoints.ParseEndpointUrl(_endpoints.WebRtcEndpoint!));
            for (int join = 1; ; join++)
            {
                var attempt = NewAttempt(await _iceServers.GetAsync(cancellationToken).ConfigureAwait(false));
                // The viewer limit (ClientLimitExceededException) and other service errors are final: no retry loop.
                await storage.JoinStorageSessionAsViewerAsync(_result.ChannelARN, _options.ClientId, cancellationToken).ConfigureAwait(false);
                Trace($"JoinStorageSessionAsViewer {join} accepted; waiting for the offer");
                var offerWait = Task.Delay(_options.OfferTimeout, cancellationToken);
                if (await Task.WhenAny(attempt.Answered.Task, offerWait).ConfigureAwait(false) == offerWait)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (join >= _options.MaxJoinAttempts)
                        throw new IOException($"The storage session sent no offer after {join} JoinStorageSessionAsViewer calls: is the channel's storage session running?");
                    continue;
                }
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.ConnectTimeout);
                await attempt.Pc.WaitConnectedAsync(timeout.Token).ConfigureAwait(false);
                _result.StorageSessions++;
                Trace($"connected to the storage session ({attempt.Pc.GetStats().SelectedCandidatePair})");
                return attempt;
            }
        }

        private Attempt NewAttempt(IReadOnlyList<RtcIceServer> iceServers)
        {
            var config = new RtcConfiguration { LoopbackOnly = _options.LoopbackOnly, ConnectTimeout = _options.ConnectTimeout };
            foreach (var server in iceServers) config.IceServers.Add(server);
            var pc = new RtcPeerConnection(config);
            var attempt = new Attempt(pc, _clock.Elapsed, SendCandidate);
            pc.AddReceiver(MediaTrackKind.Video).FrameReceived += (_, payload, timestamp, key) => OnFrame(attempt, MediaTrackKind.Video, payload, timestamp, key);
            pc.AddReceiver(MediaTrackKind.Audio).FrameReceived += (_, payload, timestamp, key) => OnFrame(attempt, MediaTrackKind.Audio, payload, timestamp, key);
            if (_speaks) attempt.Microphone = pc.AddTrack(MediaTrackKind.Audio);
            pc.IceCandidate += attempt.Candidates.OnLocalCandidate;
            pc.ConnectionStateChanged += state =>
            {
                if (state == RtcPeerConnectionState.Failed || state == RtcPeerConnectionState.Closed)
                    attempt.Lost.TrySetResult(pc.FailureReason ?? state.ToString());
            };
            var previous = Interlocked.Exchange(ref _attempt, attempt);
            previous?.Pc.Close("replaced by a new join");
            return attempt;
        }

        private void OnFrame(Attempt attempt, MediaTrackKind kind, ReadOnlySpan<byte> payload, TimeSpan timestamp, bool isKeyFrame)
        {
            Interlocked.Add(ref _bytes, payload.Length);
            if (kind == MediaTrackKind.Video)
            {
                if (Interlocked.Increment(ref _videoFrames) == 1) _result.TimeToFirstFrame = _clock.Elapsed;
                if (isKeyFrame) Interlocked.Increment(ref _keyFrames);
            }
            else Interlocked.Increment(ref _audioFrames);
            // Each connection's clock starts with it: placed on the run's clock, later connections follow earlier ones.
            _recorder?.Write(kind, payload, attempt.StartedAt + timestamp, isKeyFrame);
        }

        private async Task SpeakAsync(MediaPacer microphone, CancellationToken cancellationToken)
        {
            try
            {
                while (await microphone.ReadFrameAsync(cancellationToken).ConfigureAwait(false) is { } frame)
                {
                    var attempt = _attempt;
                    if (attempt?.Microphone == null || attempt.Pc.ConnectionState != RtcPeerConnectionState.Connected) continue;
                    if (attempt.Microphone.SendFrame(frame.Payload.Span, frame.Timestamp)) Interlocked.Increment(ref _audioSent);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task ReceiveSignalingAsync(SignalingConnection signaling)
        {
            try
            {
                while (await signaling.ReceiveAsync(CancellationToken.None).ConfigureAwait(false) is ServiceMessage message)
                {
                    try
                    {
                        switch (message.MessageType)
                        {
                            case SignalingMessageType.SDP_OFFER:
                                var offer = SignalingCodec.DecodeSessionDescription(message.MessagePayload ?? "");
                                if (offer.Type == "offer") await AnswerAsync(offer.Sdp).ConfigureAwait(false);
                                break;
                            case SignalingMessageType.ICE_CANDIDATE:
                                var candidate = SignalingCodec.DecodeIceCandidate(message.MessagePayload ?? "");
                                _attempt?.Pc.AddIceCandidate(new RtcIceCandidateInit(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex));
                                break;
                            case SignalingMessageType.STATUS_RESPONSE when message.StatusResponse != null:
                                Trace($"signaling refused a message: {message.StatusResponse.Description}");
                                break;
                            case SignalingMessageType.RECONNECT_ICE_SERVER:
                                Trace("RECONNECT_ICE_SERVER: TURN credentials will be refreshed for the next connection");
                                _iceServers.Invalidate();
                                break;
                            case SignalingMessageType.GO_AWAY:
                                Trace("signaling is going away; reconnecting");
                                _signalingClosed.TrySetResult(null);
                                break;
                        }
                    }
                    catch (Exception e) when (e is SignalingFormatException || e is WebRtc.Sdp.SdpFormatException || e is InvalidOperationException)
                    {
                        Trace($"dropped a {message.MessageType}: {e.Message}");
                    }
                }
            }
            catch (ObjectDisposedException)
            {
            }
            if (_signaling == signaling) _signalingClosed.TrySetResult(signaling.CloseStatus);
        }

        private async Task AnswerAsync(string offerSdp)
        {
            var attempt = _attempt;
            if (attempt == null || attempt.Answered.Task.IsCompleted) return;
            attempt.Pc.SetRemoteDescription(new RtcSessionDescription(RtcSdpType.Offer, offerSdp));
            var answer = attempt.Pc.CreateAnswer();
            attempt.Pc.SetLocalDescription(answer);
            await _signaling!.SendAsync(new ClientMessage(SignalingMessageType.SDP_ANSWER,
                SignalingCodec.EncodeSessionDescription(new SessionDescriptionPayload("answer", answer.Sdp))), CancellationToken.None).ConfigureAwait(false);
            Trace("answered the storage session's offer");
            attempt.Answered.TrySetResult(true);
            attempt.Candidates.Release();
        }

        private void SendCandidate(RtcIceCandidateInit candidate)
        {
            var signaling = _signaling;
            if (signaling == null) return;
            _ = signaling.SendAsync(new ClientMessage(SignalingMessageType.ICE_CANDIDATE,
                SignalingCodec.EncodeIceCandidate(new IceCandidatePayload(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex))), CancellationToken.None);
        }

        private void Trace(string line) => _options.Trace?.Invoke($"[{_clock.Elapsed.TotalSeconds,8:0.000} s] {line}");

        private static TaskCompletionSource<T> NewSignal<T>() => new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);

        private sealed class Attempt
        {
            public Attempt(RtcPeerConnection pc, TimeSpan startedAt, Action<RtcIceCandidateInit> sendCandidate)
            {
                Pc = pc;
                StartedAt = startedAt;
                Candidates = new HeldCandidates(sendCandidate);
            }

            public RtcPeerConnection Pc { get; }

            /// <summary>When the connection began, on the run's clock.</summary>
            public TimeSpan StartedAt { get; }

            /// <summary>Our candidates, held until the answer is out.</summary>
            public HeldCandidates Candidates { get; }

            public RtcRtpSender? Microphone { get; set; }
            public TaskCompletionSource<bool> Answered { get; } = NewSignal<bool>();
            public TaskCompletionSource<string> Lost { get; } = NewSignal<string>();
        }
    }
}
