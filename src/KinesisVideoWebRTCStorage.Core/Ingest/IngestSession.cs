using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>
    /// The WebRTC storage-session master ("Storage session flow" in kvs-wire.md): preflight, signaling as master,
    /// JoinStorageSession until the service offers, answer, stream paced media, and recover from GO_AWAY, lost
    /// signaling, lost connections and the session limit by rejoining while the media clock runs on. Everything the
    /// cmdlet, the CLI and the benchmarks do goes through <see cref="RunAsync"/>; one process can run many at once.
    /// </summary>
    public sealed class IngestSession
    {
        private static readonly TimeSpan StopLinger = TimeSpan.FromMilliseconds(250);

        private readonly KvsConnection _connection;
        private readonly IngestOptions _options;
        private readonly Stopwatch _clock = new Stopwatch();
        private readonly IngestResult _result = new IngestResult();
        private readonly EventQueue _events = new EventQueue();
        private readonly Random _random = new Random();
        private SignalingChannelEndpoints _endpoints = null!;
        private SignalingConnection? _signaling;
        private Attempt? _attempt;
        private IceServerCache? _iceServers;
        private volatile bool _needKeyframe = true;
        private long _lastKeyframeSentTicks = long.MinValue / 2;

        /// <summary>
        /// A keyframe request this soon after one was sent is about that keyframe still arriving (paced, its losses being
        /// NACKed): waiting for the next IDR of pre-encoded media would freeze a whole GOP for nothing.
        /// </summary>
        private static readonly TimeSpan KeyframeInFlight = TimeSpan.FromMilliseconds(700);
        private readonly CongestionFrameDropper _congestion = new CongestionFrameDropper();
        private IAdaptiveVideoSource? _encoder;
        private EncoderBitrateController? _encoderBitrate;
        private long? _lastEstimate;
        private volatile bool _streaming;
        private readonly object _reconnectingLock = new object();
        private TimeSpan? _reconnectingSince;
        private long _videoFrames, _audioFrames, _videoBytes, _audioBytes, _lastMediaTicks, _lastReportedBytes, _audioFramesHeard, _audioBytesHeard;
        private ReceivedAudioRecorder? _heard;
        private string? _receivedAudioPath, _receivedAudioError;
        private int _state;

        private IngestSession(KvsConnection connection, IngestOptions options)
        {
            _connection = connection ?? throw new ArgumentNullException(nameof(connection));
            _options = options ?? throw new ArgumentNullException(nameof(options));
        }

        public IngestState State => (IngestState)Volatile.Read(ref _state);

        /// <summary>
        /// Runs one ingest to its end. Problems found before any media is sent throw their typed error
        /// (<see cref="IngestMediaException"/>, <see cref="MediaStorageNotEnabledException"/>, service, credential and
        /// connection errors); a failure after streaming began throws <see cref="IngestFailedException"/> carrying the
        /// result so far. Cancellation stops cleanly and returns a result with <see cref="IngestEndReason.Stopped"/>.
        /// </summary>
        public static Task<IngestResult> RunAsync(KvsConnection connection, IngestOptions options, CancellationToken cancellationToken = default) =>
            new IngestSession(connection, options).RunAsync(cancellationToken);

        private async Task<IngestResult> RunAsync(CancellationToken cancellationToken)
        {
            _clock.Start();
            _result.StartTime = DateTime.UtcNow;
            CheckReceivedAudioPath();
            // The first ingest in a process makes the DTLS certificate (and compiles the code that makes it) meanwhile,
            // on another core, instead of between the join and the offer.
            _ = Task.Run(() => DtlsCertificate.Shared);
            _result.Media = _options.Media.Describe();
            SetState(IngestState.Preparing);
            if (!_options.CongestionControl) _options.Media.AdaptVideoBitrate = false;
            using var source = new MediaPacer(await IngestMedia.OpenAsync(_options.Media, cancellationToken).ConfigureAwait(false), _options.RealTime);
            _encoder = source.Source as IAdaptiveVideoSource ?? (source.Source as SilentAudioMediaSource)?.Inner as IAdaptiveVideoSource;
            if (_encoder != null)
            {
                _encoderBitrate = new EncoderBitrateController(_encoder.MaxVideoBitrate, _clock.Elapsed);
                Trace($"media: the encoder starts at {_encoder.VideoBitrate / 1000} kbit/s and follows the bandwidth estimate below that");
            }
            Trace($"media: {_result.Media} ({source.Source.Video?.Width}x{source.Source.Video?.Height} H.264 {source.Source.Video?.ProfileLevelId}, Opus {source.Source.Audio?.Channels} ch)");
            _result.SilentAudio = source.Source.Audio?.IsGeneratedSilence == true;
            if (_result.SilentAudio) Trace("media: no audio track; sending a silent Opus track in step with the video (-RequireAudio refuses such media)");
            await PreflightAsync(cancellationToken).ConfigureAwait(false);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task? pump = null;
            using var progress = new Timer(_ => ReportProgress(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            IngestEndReason? end = null;
            Exception? failure = null;
            try
            {
                SetState(IngestState.ConnectingSignaling);
                // Independent requests, so side by side: the ICE servers are then at hand for the first join.
                await Task.WhenAll(ConnectSignalingAsync(stop.Token), IceServersAsync(stop.Token)).ConfigureAwait(false);
                int joins = 0, recoveries = 0;
                DateTime? offerDeadline = await JoinAsync(++joins, stop.Token).ConfigureAwait(false);
                while (end == null)
                {
                    var next = await _events.NextAsync(offerDeadline, stop.Token).ConfigureAwait(false);
                    switch (next)
                    {
                        case null when State == IngestState.Joining || State == IngestState.Reconnecting:
                            if (joins >= _options.MaxJoinAttempts)
                                throw new IngestFailedException($"No SDP offer arrived after {joins} JoinStorageSession calls ({_options.OfferTimeout.TotalSeconds:0} s each); " +
                                    "check that the channel's media storage stream exists and that the account may use WebRTC storage in this region.", _result);
                            offerDeadline = await JoinAsync(++joins, stop.Token).ConfigureAwait(false);
                            break;
                        case null:
                            offerDeadline = null;
                            break;
                        case OfferEvent offer:
                            offerDeadline = null;
                            await AnswerAsync(offer.Sdp, stop.Token).ConfigureAwait(false);
                            break;
                        case CandidateEvent candidate:
                            _attempt?.Pc.AddIceCandidate(new RtcIceCandidateInit(candidate.Payload.Candidate, candidate.Payload.SdpMid, candidate.Payload.SdpMLineIndex));
                            break;
                        case StatusEvent status:
                            Trace($"STATUS_RESPONSE: {status.Status}");
                            if (_attempt != null && status.Status.CorrelationId == _attempt.AnswerCorrelationId)
                            {
                                RecoverOrFail(ref recoveries, $"the storage service refused our answer: {status.Status.Description}");
                                offerDeadline = await JoinAsync(++joins, stop.Token).ConfigureAwait(false);
                            }
                            break;
                        case GoAwayEvent _:
                            Trace("GO_AWAY: reconnecting signaling within the grace period");
                            await ReconnectSignalingAsync(stop.Token).ConfigureAwait(false);
                            if (State != IngestState.Streaming) offerDeadline = await JoinAsync(++joins, stop.Token).ConfigureAwait(false);
                            break;
                        case ReconnectIceServerEvent _:
                            Trace("RECONNECT_ICE_SERVER: TURN credentials will be refreshed for the next connection");
                            _iceServers?.Invalidate();
                            break;
                        case SignalingClosedEvent closed when closed.Connection == _signaling:
                            if (closed.Status == WebSocketCloseStatus.PolicyViolation)
                            {
                                Trace($"signaling closed by the service: {closed.Description}");
                                end = IngestEndReason.Preempted;
                                break;
                            }
                            Trace($"signaling connection lost ({closed.Status?.ToString() ?? "no close frame"}); reconnecting");
                            RecoverOrFail(ref recoveries, "the signaling connection kept failing");
                            await ReconnectSignalingAsync(stop.Token).ConfigureAwait(false);
                            if (State != IngestState.Streaming) offerDeadline = await JoinAsync(++joins, stop.Token).ConfigureAwait(false);
                            break;
                        case ConnectionStateEvent change when change.Attempt == _attempt:
                            if (change.State == RtcPeerConnectionState.Connected)
                            {
                                OnConnected(change.Attempt);
                                joins = 0;
                                recoveries = 0;
                                pump ??= Task.Run(() => PumpAsync(source, stop.Token));
                            }
                            else if (change.State == RtcPeerConnectionState.Failed || change.State == RtcPeerConnectionState.Closed)
                            {
                                if (_signaling?.CloseStatus == WebSocketCloseStatus.PolicyViolation)
                                {
                                    // The service replaced our signaling connection with a newer master's and ended our
                                    // session for it; rejoining would take the channel back from that master.
                                    Trace($"storage session ended after another master took the channel: {_signaling.CloseStatusDescription}");
                                    end = IngestEndReason.Preempted;
                                    break;
                                }
                                string why = change.Attempt.Pc.FailureReason ?? change.State.ToString();
                                Trace($"storage session connection ended: {why}; rejoining");
                                RecoverOrFail(ref recoveries, "the storage session connection kept failing: " + why);
                                if (_streaming) _result.Reconnects++;
                                Retire();
                                SetState(IngestState.Reconnecting);
                                if (_signaling == null || !_signaling.IsOpen) await ReconnectSignalingAsync(stop.Token).ConfigureAwait(false);
                                offerDeadline = await JoinAsync(++joins, stop.Token).ConfigureAwait(false);
                            }
                            break;
                        case MediaEndedEvent ended:
                            end = ended.Reason;
                            break;
                        case MediaFailedEvent failed:
                            throw new IngestFailedException("Reading the media failed: " + failed.Error.Message, _result, failed.Error);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                end = IngestEndReason.Stopped;
            }
            catch (PreemptedException)
            {
                Trace("another master took the channel");
                end = IngestEndReason.Preempted;
            }
            catch (IngestFailedException e)
            {
                failure = e;
                end = IngestEndReason.Failed;
                _result.Error = e.Message;
            }
            catch (Exception e) when (_result.StorageSessions > 0 && !(e is OutOfMemoryException))
            {
                // Past the first join, a service or network error is a failure of a running ingest: keep the result.
                failure = new IngestFailedException($"Ingest stopped: {e.Message}", _result, e);
                end = IngestEndReason.Failed;
                _result.Error = e.Message;
            }
            finally
            {
                SetState(IngestState.Stopping);
                stop.Cancel();
                if (pump != null) await Task.WhenAny(pump, Task.Delay(_options.StopTimeout)).ConfigureAwait(false);
                await StopAsync(end ?? IngestEndReason.Failed).ConfigureAwait(false);
            }
            _result.EndReason = end!.Value;
            _result.EndTime = DateTime.UtcNow;
            _result.VideoFramesDroppedByCongestion = _congestion.Dropped;
            _result.BandwidthEstimate = _lastEstimate;
            if (_encoderBitrate != null) _result.VideoBitrateChanges = _encoderBitrate.Changes.ToList();
            _result.Warnings = DeliveryWarnings.For(_result, _receivedAudioError == null ? _receivedAudioPath : null);
            if (_receivedAudioError != null) _result.Warnings = _result.Warnings.Concat(new[] { _receivedAudioError }).ToList();
            foreach (string warning in _result.Warnings) Trace("warning: " + warning);
            SetState(IngestState.Ended);
            Trace($"ended: {_result}");
            if (failure != null) throw failure;
            return _result;
        }

        private async Task PreflightAsync(CancellationToken cancellationToken)
        {
            var controlPlane = _connection.ControlPlane();
            string arn = await controlPlane.ResolveChannelArnAsync(_options.Channel, cancellationToken).ConfigureAwait(false);
            _result.ChannelARN = arn;
            // Both need only the ARN, so they go out together; a channel without storage is still reported first.
            var storageLookup = controlPlane.DescribeMediaStorageConfigurationAsync(ChannelReference.FromArn(arn), cancellationToken);
            var endpointLookup = SignalingEndpointLookup.GetAsync(controlPlane, ChannelReference.FromArn(arn), ChannelRole.MASTER,
                SignalingEndpointLookup.AllProtocols, cancellationToken);
            _ = endpointLookup.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted); // observed even when not awaited
            var storage = await storageLookup.ConfigureAwait(false);
            if (!storage.IsEnabled)
                throw new MediaStorageNotEnabledException(_options.Channel, arn, storage.Status);
            _result.StreamARN = storage.StreamARN;
            _endpoints = await endpointLookup.ConfigureAwait(false);
            if (_endpoints.WssEndpoint == null || _endpoints.HttpsEndpoint == null || _endpoints.WebRtcEndpoint == null)
                throw new KinesisVideoResponseException($"GetSignalingChannelEndpoint did not return WSS, HTTPS and WEBRTC endpoints for {arn}.");
            Trace($"channel {arn} records to {storage.StreamARN}; signaling {_endpoints.WssEndpoint}, storage {_endpoints.WebRtcEndpoint}");
        }

        private async Task<IReadOnlyList<RtcIceServer>> IceServersAsync(CancellationToken cancellationToken)
        {
            _iceServers ??= new IceServerCache(_connection, KvsEndpoints.ParseEndpointUrl(_endpoints.HttpsEndpoint!), _result.ChannelARN, null, _options.LoopbackOnly);
            var servers = await _iceServers.GetAsync(cancellationToken).ConfigureAwait(false);
            Trace($"ICE servers: {string.Join("; ", servers)}");
            return servers;
        }

        private async Task ConnectSignalingAsync(CancellationToken cancellationToken)
        {
            var credentials = await _connection.GetCredentialsAsync().ConfigureAwait(false);
            var url = SignalingUrl.ForMaster(_endpoints.WssEndpoint!, _result.ChannelARN, credentials, _connection.Region.Name);
            var watch = Stopwatch.StartNew();
            var signaling = await SignalingConnection.ConnectAsync(url, _options.SignalingConnectTimeout, cancellationToken, _connection.TrustedAuthorities).ConfigureAwait(false);
            _signaling = signaling;
            Trace($"signaling connected to {signaling.Endpoint} in {watch.ElapsedMilliseconds} ms");
            _ = Task.Run(() => ReceiveSignalingAsync(signaling));
        }

        /// <summary>Replaces the signaling connection, retrying with backoff; media keeps flowing meanwhile.</summary>
        private async Task ReconnectSignalingAsync(CancellationToken cancellationToken)
        {
            var old = _signaling;
            _signaling = null;
            if (old != null)
            {
                await old.CloseAsync(_options.StopTimeout).ConfigureAwait(false);
                old.Dispose();
                // Closing may reveal that the service had already replaced us with a newer master.
                if (old.CloseStatus == WebSocketCloseStatus.PolicyViolation) throw new PreemptedException();
            }
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await ConnectSignalingAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (SignalingConnectException e) when (attempt < _options.MaxConsecutiveRecoveries)
                {
                    Trace($"signaling reconnect {attempt} failed: {e.Message}");
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * (1 << attempt)), cancellationToken).ConfigureAwait(false);
                }
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
                            // Storage-session messages name no sender. One that does comes from a viewer talking to
                            // the master directly, which a storage-mode master does not serve: taken for the storage
                            // session's, it would tear down the session that records.
                            case SignalingMessageType.SDP_OFFER when !string.IsNullOrEmpty(message.SenderClientId):
                                Trace($"declined an offer from viewer {message.SenderClientId}: in storage mode the master connects only to the storage session (viewers join it with JoinStorageSessionAsViewer); the recording goes on");
                                break;
                            case SignalingMessageType.ICE_CANDIDATE when !string.IsNullOrEmpty(message.SenderClientId):
                                break; // the declined viewer's candidates
                            case SignalingMessageType.SDP_OFFER:
                                var description = SignalingCodec.DecodeSessionDescription(message.MessagePayload ?? "");
                                if (description.Type == "offer") _events.Post(new OfferEvent(description.Sdp));
                                break;
                            case SignalingMessageType.ICE_CANDIDATE:
                                _events.Post(new CandidateEvent(SignalingCodec.DecodeIceCandidate(message.MessagePayload ?? "")));
                                break;
                            case SignalingMessageType.STATUS_RESPONSE when message.StatusResponse != null:
                                _events.Post(new StatusEvent(message.StatusResponse));
                                break;
                            case SignalingMessageType.GO_AWAY:
                                _events.Post(new GoAwayEvent());
                                break;
                            case SignalingMessageType.RECONNECT_ICE_SERVER:
                                _events.Post(new ReconnectIceServerEvent());
                                break;
                        }
                    }
                    catch (SignalingFormatException e)
                    {
                        Trace($"dropped a malformed {message.MessageType}: {e.Message}");
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                // Closed by us while reading.
            }
            _events.Post(new SignalingClosedEvent(signaling, signaling.CloseStatus, signaling.CloseStatusDescription));
        }

        /// <summary>Starts a fresh peer connection and calls JoinStorageSession; returns when to give up on its offer.</summary>
        private async Task<DateTime> JoinAsync(int attempt, CancellationToken cancellationToken)
        {
            if (State != IngestState.Reconnecting) SetState(IngestState.Joining);
            await NewAttemptAsync(cancellationToken).ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            await _connection.Storage(KvsEndpoints.ParseEndpointUrl(_endpoints.WebRtcEndpoint!)).JoinStorageSessionAsync(_result.ChannelARN, cancellationToken).ConfigureAwait(false);
            _result.StorageSessions++;
            Trace($"JoinStorageSession {attempt} accepted in {watch.ElapsedMilliseconds} ms; waiting for the offer");
            // Jitter keeps many masters that lost the service together from rejoining in lockstep.
            return DateTime.UtcNow + _options.OfferTimeout + TimeSpan.FromMilliseconds(_random.Next(0, 1000));
        }

        /// <summary>Retires the current peer connection and makes a new one, with its tracks, for the next offer.</summary>
        private async Task NewAttemptAsync(CancellationToken cancellationToken)
        {
            Retire();
            var config = new RtcConfiguration
            {
                LoopbackOnly = _options.LoopbackOnly,
                IceTransportPolicy = _options.IceTransportPolicy,
                ConnectTimeout = _options.ConnectTimeout,
                InjectedSendLoss = _options.InjectedSendLoss,
                CongestionControl = _options.CongestionControl,
                // A new connection starts from what the last one learned, or just above what the encoder may send.
                StartBitrate = _lastEstimate ?? Math.Max(3_000_000, (long)((_encoder?.MaxVideoBitrate ?? 0) * 1.25)),
                InjectedLossSeed = _random.Next(),
                Trace = _options.Trace == null ? null : new Action<string>(line => Trace("webrtc: " + line)),
            };
            foreach (var server in await IceServersAsync(cancellationToken).ConfigureAwait(false)) config.IceServers.Add(server);
            var pc = new RtcPeerConnection(config);
            var current = new Attempt(pc, pc.AddTrack(MediaTrackKind.Video), pc.AddTrack(MediaTrackKind.Audio), SendCandidate);
            // Answered sendrecv only when the storage session's offer asks for two-way audio.
            pc.AddReceiver(MediaTrackKind.Audio).FrameReceived += (_, payload, timestamp, _) => OnHeard(pc, payload, timestamp);
            pc.ConnectionStateChanged += state => _events.Post(new ConnectionStateEvent(current, state));
            pc.IceCandidate += current.Candidates.OnLocalCandidate;
            current.Video.KeyframeRequested += (_, e) =>
            {
                if (_clock.Elapsed.Ticks - Interlocked.Read(ref _lastKeyframeSentTicks) < KeyframeInFlight.Ticks)
                {
                    Trace($"keyframe requested ({e.Kind}) while the last one is still arriving; not waiting for another");
                    return;
                }
                _needKeyframe = true;
                Trace($"keyframe requested ({e.Kind}); video resumes at the next keyframe");
            };
            _attempt = current;
        }

        private async Task AnswerAsync(string offerSdp, CancellationToken cancellationToken)
        {
            var current = _attempt;
            if (current == null) return;
            if (current.AnswerCorrelationId != null)
            {
                // A second offer: the service restarted the session by itself; answer it on a fresh connection
                // (joining again would only ask for yet another offer).
                Trace("a new offer replaces the one being connected");
                if (current.Connected) _result.Reconnects++;
                await NewAttemptAsync(cancellationToken).ConfigureAwait(false);
                current = _attempt!;
            }
            var watch = Stopwatch.StartNew();
            current.Pc.SetRemoteDescription(new RtcSessionDescription(RtcSdpType.Offer, offerSdp));
            var answer = current.Pc.CreateAnswer();
            current.Pc.SetLocalDescription(answer);
            if (current.Video.Negotiated == null || current.Audio.Negotiated == null)
                throw new IngestFailedException("The storage service's offer has no usable " + (current.Video.Negotiated == null ? "H.264 (packetization-mode=1) video" : "Opus audio") + " section.", _result);
            string correlationId = "answer-" + Guid.NewGuid().ToString("N").Substring(0, 16);
            var signaling = _signaling;
            if (signaling == null) return; // the reconnect that follows rejoins
            await signaling.SendAsync(new ClientMessage(SignalingMessageType.SDP_ANSWER,
                SignalingCodec.EncodeSessionDescription(new SessionDescriptionPayload("answer", answer.Sdp)), null, correlationId), cancellationToken).ConfigureAwait(false);
            current.Answered(correlationId);
            SetState(_streaming ? IngestState.Reconnecting : IngestState.Connecting);
            Trace($"answered in {watch.ElapsedMilliseconds} ms (correlationId {correlationId}); ICE and DTLS under way");
        }

        private void SendCandidate(RtcIceCandidateInit candidate)
        {
            var signaling = _signaling;
            if (signaling == null) return;
            _ = signaling.SendAsync(new ClientMessage(SignalingMessageType.ICE_CANDIDATE,
                SignalingCodec.EncodeIceCandidate(new IceCandidatePayload(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex))), CancellationToken.None)
                .ContinueWith(t => Trace($"a candidate could not be sent: {t.Exception?.InnerException?.Message}"), TaskContinuationOptions.OnlyOnFaulted);
        }

        private void OnConnected(Attempt current)
        {
            current.Connected = true;
            _needKeyframe = true;
            _streaming = true;
            SetState(IngestState.Streaming);
            Trace($"storage session connected after {_clock.ElapsedMilliseconds} ms: {current.Pc.GetStats().SelectedCandidatePair}");
        }

        /// <summary>Reads paced frames and sends them on whichever connection is current; frames while none is connected are dropped.</summary>
        private async Task PumpAsync(MediaPacer source, CancellationToken cancellationToken)
        {
            TimeSpan? first = null;
            try
            {
                while (true)
                {
                    var read = await source.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
                    if (read == null)
                    {
                        _events.Post(new MediaEndedEvent(IngestEndReason.MediaEnded));
                        return;
                    }
                    var frame = read.Value;
                    first ??= frame.Timestamp;
                    if (_options.Duration is TimeSpan duration && frame.Timestamp - first.Value >= duration)
                    {
                        _events.Post(new MediaEndedEvent(IngestEndReason.DurationReached));
                        return;
                    }
                    var current = _attempt;
                    if (current == null || !current.Connected) continue;
                    bool video = frame.Kind == MediaTrackKind.Video;
                    if (video && _needKeyframe)
                    {
                        if (!frame.IsKeyFrame) continue;
                        _needKeyframe = false;
                    }
                    // Media we encode follows the estimate; pre-encoded media is thinned to it, GOP-aware.
                    if (_encoder != null) AdaptEncoder(current.Video.TargetBitrate);
                    else if (video && !_congestion.ShouldSend(frame, current.Video.TargetBitrate)) continue;
                    if (!(video ? current.Video : current.Audio).SendFrame(frame.Payload.Span, frame.Timestamp)) continue;
                    if (video && frame.IsKeyFrame) Interlocked.Exchange(ref _lastKeyframeSentTicks, _clock.Elapsed.Ticks);
                    _result.TimeToFirstFrame ??= _clock.Elapsed;
                    Interlocked.Exchange(ref _lastMediaTicks, (frame.Timestamp - first.Value).Ticks);
                    if (video)
                    {
                        Interlocked.Increment(ref _videoFrames);
                        Interlocked.Add(ref _videoBytes, frame.Payload.Length);
                    }
                    else
                    {
                        Interlocked.Increment(ref _audioFrames);
                        Interlocked.Add(ref _audioBytes, frame.Payload.Length);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                _events.Post(new MediaFailedEvent(e));
            }
        }

        private void AdaptEncoder(long? estimate)
        {
            if (_encoderBitrate!.Decide(estimate, _clock.Elapsed) is not long bitrate) return;
            Trace($"encoder bitrate {bitrate / 1000} kbit/s (estimate {(estimate is long e ? e / 1000 + " kbit/s" : "unconstrained")})");
            _encoder!.RequestVideoBitrate(bitrate);
        }

        /// <summary>Counts a recovery; past the limit the ingest fails with <paramref name="reason"/>.</summary>
        private void RecoverOrFail(ref int recoveries, string reason)
        {
            if (++recoveries > _options.MaxConsecutiveRecoveries)
                throw new IngestFailedException($"Ingest gave up after {recoveries - 1} recoveries in a row: {reason}.", _result);
        }

        /// <summary>Folds the current connection's counters into the result and closes it.</summary>
        private void Retire(string reason = "replaced by a new storage session")
        {
            var old = _attempt;
            _attempt = null;
            if (old == null) return;
            old.Connected = false;
            var stats = old.Pc.GetStats();
            _result.Retransmissions += stats.Outbound.Sum(s => s.RetransmittedPackets);
            _result.RetransmissionsRefusedLate += stats.Outbound.Sum(s => s.RetransmissionsRefusedLate);
            _result.KeyframeRequests += stats.Outbound.Sum(s => s.KeyframeRequests);
            foreach (var video in stats.Outbound.Where(s => s.Kind == MediaTrackKind.Video))
            {
                _result.VideoPacketsSent += video.PacketsSent;
                _result.VideoPacketsReportedLost += Math.Max(0, video.RemoteCumulativeLost ?? 0);
                if (video.BandwidthEstimateMinimum is long minimum) _result.BandwidthEstimateMinimum = Math.Min(_result.BandwidthEstimateMinimum ?? long.MaxValue, minimum);
            }
            _result.RoundTripTime = stats.Outbound.Select(s => s.RoundTripTime).FirstOrDefault(r => r != null) ?? _result.RoundTripTime;
            if (old.Pc.BandwidthEstimator is { } estimator) _lastEstimate = estimator.Target;
            old.Pc.Close(reason);
        }

        private void CheckReceivedAudioPath()
        {
            if (_options.ReceivedAudioPath is not string path) return;
            string full = System.IO.Path.GetFullPath(path);
            if (!ReceivedAudioRecorder.IsSupportedPath(full))
                throw new ReceivedAudioPathException($"The received audio cannot be saved to '{full}': name a file ending in {ReceivedAudioRecorder.SupportedExtensions}.");
            string? folder = System.IO.Path.GetDirectoryName(full);
            if (folder != null && !System.IO.Directory.Exists(folder))
                throw new ReceivedAudioPathException($"The received audio cannot be saved to '{full}': the folder '{folder}' does not exist. Create it or name another.");
            _receivedAudioPath = full;
        }

        /// <summary>An Opus packet of the storage session's audio (two-way audio), on a network thread.</summary>
        private void OnHeard(RtcPeerConnection connection, ReadOnlySpan<byte> packet, TimeSpan timestamp)
        {
            Interlocked.Increment(ref _audioFramesHeard);
            Interlocked.Add(ref _audioBytesHeard, packet.Length);
            if (Volatile.Read(ref _receivedAudioPath) is not string path) return;
            var heard = Volatile.Read(ref _heard);
            if (heard == null)
            {
                lock (_clock)
                {
                    if (_heard == null)
                    {
                        try
                        {
                            Volatile.Write(ref _heard, ReceivedAudioRecorder.Create(path, () => _clock.Elapsed));
                            _result.ReceivedAudioPath = path;
                            Trace($"two-way audio: the storage session speaks; saving what is heard to {path}");
                        }
                        catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
                        {
                            // On a network thread: say so once and go on hearing without saving.
                            Trace($"two-way audio: {path} cannot be written ({e.Message}); what is heard is not saved");
                            _receivedAudioError = $"The audio heard from the storage session was not saved: '{path}' cannot be written ({e.Message}).";
                            Volatile.Write(ref _receivedAudioPath, null);
                            return;
                        }
                    }
                    heard = _heard!;
                }
            }
            heard.Write(connection, packet, timestamp);
        }

        private async Task StopAsync(IngestEndReason reason)
        {
            // Let NACKs for the last frames be answered before saying BYE.
            if (_attempt?.Connected == true && reason != IngestEndReason.Preempted) await Task.Delay(StopLinger).ConfigureAwait(false);
            Retire(reason.ToString());
            var signaling = _signaling;
            _signaling = null;
            if (signaling != null)
            {
                await signaling.CloseAsync(_options.StopTimeout).ConfigureAwait(false);
                signaling.Dispose();
            }
            _result.VideoFramesSent = Interlocked.Read(ref _videoFrames);
            _result.AudioFramesSent = Interlocked.Read(ref _audioFrames);
            _result.VideoBytesSent = Interlocked.Read(ref _videoBytes);
            _result.AudioBytesSent = Interlocked.Read(ref _audioBytes);
            _result.AudioFramesReceived = Interlocked.Read(ref _audioFramesHeard);
            _result.AudioBytesReceived = Interlocked.Read(ref _audioBytesHeard);
            lock (_clock) _heard?.Dispose();
        }

        private void ReportProgress()
        {
            var progress = _options.Progress;
            if (progress == null) return;
            long bytes = Interlocked.Read(ref _videoBytes) + Interlocked.Read(ref _audioBytes);
            long rate = (bytes - Interlocked.Exchange(ref _lastReportedBytes, bytes)) * 8;
            progress(new IngestProgress(State, _clock.Elapsed, TimeSpan.FromTicks(Interlocked.Read(ref _lastMediaTicks)), rate,
                Interlocked.Read(ref _videoFrames), Interlocked.Read(ref _audioFrames), _result.Reconnects)
            {
                BandwidthEstimate = _attempt?.Pc.BandwidthEstimator?.Target ?? _lastEstimate,
                VideoBitrate = _encoder?.VideoBitrate,
            });
        }

        private void SetState(IngestState state)
        {
            if (Interlocked.Exchange(ref _state, (int)state) == (int)state) return;
            lock (_reconnectingLock)
            {
                // Time without a connected storage session once streaming began: media sent then is not recorded.
                if (state == IngestState.Reconnecting) _reconnectingSince ??= _clock.Elapsed;
                else if (state == IngestState.Streaming || state == IngestState.Stopping) EndReconnecting();
            }
            Trace($"state {state}");
        }

        private void EndReconnecting()
        {
            if (_reconnectingSince is TimeSpan since) _result.TimeReconnecting += _clock.Elapsed - since;
            _reconnectingSince = null;
        }

        private void Trace(string message) => _options.Trace?.Invoke($"[{_clock.Elapsed.TotalSeconds,8:0.000} s] {message}");

        /// <summary>One peer connection and the signaling state of its offer/answer.</summary>
        private sealed class Attempt
        {
            public Attempt(RtcPeerConnection pc, RtcRtpSender video, RtcRtpSender audio, Action<RtcIceCandidateInit> sendCandidate)
            {
                Pc = pc;
                Video = video;
                Audio = audio;
                Candidates = new HeldCandidates(sendCandidate);
            }

            public RtcPeerConnection Pc { get; }
            public RtcRtpSender Video { get; }
            public RtcRtpSender Audio { get; }

            /// <summary>Our candidates, held until the answer is out.</summary>
            public HeldCandidates Candidates { get; }
            public string? AnswerCorrelationId { get; private set; }
            public volatile bool Connected;

            public void Answered(string correlationId)
            {
                AnswerCorrelationId = correlationId;
                Candidates.Release();
            }
        }

        /// <summary>Unwinds the session loop when the service turns out to have replaced us with a newer master.</summary>
        private sealed class PreemptedException : Exception
        {
        }

        private abstract class IngestEvent
        {
        }

        private sealed class OfferEvent : IngestEvent
        {
            public OfferEvent(string sdp) => Sdp = sdp;
            public string Sdp { get; }
        }

        private sealed class CandidateEvent : IngestEvent
        {
            public CandidateEvent(IceCandidatePayload payload) => Payload = payload;
            public IceCandidatePayload Payload { get; }
        }

        private sealed class StatusEvent : IngestEvent
        {
            public StatusEvent(StatusResponse status) => Status = status;
            public StatusResponse Status { get; }
        }

        private sealed class GoAwayEvent : IngestEvent
        {
        }

        private sealed class ReconnectIceServerEvent : IngestEvent
        {
        }

        private sealed class SignalingClosedEvent : IngestEvent
        {
            public SignalingClosedEvent(SignalingConnection connection, WebSocketCloseStatus? status, string? description)
            {
                Connection = connection;
                Status = status;
                Description = description;
            }

            public SignalingConnection Connection { get; }
            public WebSocketCloseStatus? Status { get; }
            public string? Description { get; }
        }

        private sealed class ConnectionStateEvent : IngestEvent
        {
            public ConnectionStateEvent(Attempt attempt, RtcPeerConnectionState state)
            {
                Attempt = attempt;
                State = state;
            }

            public Attempt Attempt { get; }
            public RtcPeerConnectionState State { get; }
        }

        private sealed class MediaEndedEvent : IngestEvent
        {
            public MediaEndedEvent(IngestEndReason reason) => Reason = reason;
            public IngestEndReason Reason { get; }
        }

        private sealed class MediaFailedEvent : IngestEvent
        {
            public MediaFailedEvent(Exception error) => Error = error;
            public Exception Error { get; }
        }

        /// <summary>The session's inbox: everything that happens elsewhere is handled in order on the session's loop.</summary>
        private sealed class EventQueue
        {
            private readonly Queue<IngestEvent> _queue = new Queue<IngestEvent>();
            private readonly SemaphoreSlim _available = new SemaphoreSlim(0);

            public void Post(IngestEvent e)
            {
                lock (_queue) _queue.Enqueue(e);
                _available.Release();
            }

            /// <summary>The next event, or null when <paramref name="deadline"/> passes first.</summary>
            public async Task<IngestEvent?> NextAsync(DateTime? deadline, CancellationToken cancellationToken)
            {
                var wait = deadline == null ? Timeout.InfiniteTimeSpan : deadline.Value - DateTime.UtcNow;
                if (wait < TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan) wait = TimeSpan.Zero;
                if (!await _available.WaitAsync(wait, cancellationToken).ConfigureAwait(false)) return null;
                lock (_queue) return _queue.Dequeue();
            }
        }
    }
}
