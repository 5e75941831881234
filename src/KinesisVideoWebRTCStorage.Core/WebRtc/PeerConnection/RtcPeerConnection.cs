using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Mux;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using KinesisVideoWebRTCStorage.WebRtc.Sender;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>
    /// One WebRTC peer connection, shaped like the W3C RTCPeerConnection, in the two roles KVS storage needs: the
    /// answerer that sends (<see cref="AddTrack"/>, then <see cref="SetRemoteDescription"/> with the offer and
    /// <see cref="CreateAnswer"/>) and the offerer that receives (<see cref="AddReceiver"/>, <see cref="CreateOffer"/>,
    /// then the answer). Everything is bundled on one ICE transport with rtcp-mux. Host candidates are written into the
    /// local description; server-reflexive and relayed ones trickle through <see cref="IceCandidate"/>, which ends with
    /// an end-of-candidates entry.
    /// </summary>
    public sealed class RtcPeerConnection : IDisposable
    {
        private const int MaxRtpPayload = 1200;

        /// <summary>The RTCP tick of a connection that only sends: each tick wakes a thread-pool worker.</summary>
        private static readonly TimeSpan SenderOnlyRtcpInterval = TimeSpan.FromMilliseconds(250);
        private const string Cname = "kvs-webrtc-storage";

        private readonly RtcConfiguration _config;
        private readonly DtlsCertificate _certificate;
        private readonly object _lock = new object();
        private readonly object _sendLock = new object();
        private readonly object _receiveLock = new object();

        /// <summary>
        /// SRTP and SRTCP that arrive before our side of the DTLS handshake has made the keys. The peer may send its
        /// first keyframe the moment its own side completes, a loopback round trip before ours; dropped, it would cost
        /// the recording a whole GOP. Held here (bounded, so a hostile peer cannot grow it) and replayed in order.
        /// </summary>
        private readonly Queue<byte[]> _earlyMedia = new Queue<byte[]>();
        private const int MaxEarlyMedia = 256;
        private bool _earlyMediaReplayed; // guarded by _receiveLock
        private readonly Random _random = new Random();
        private readonly List<RtcRtpSender> _senders = new List<RtcRtpSender>();
        private readonly List<RtcRtpReceiver> _receivers = new List<RtcRtpReceiver>();
        private readonly List<IceCandidate> _earlyCandidates = new List<IceCandidate>();
        private readonly TaskCompletionSource<bool> _connected = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Random _lossRandom;
        private readonly byte[] _rtcpBuffer = new byte[1500];
        private readonly List<RtcpPacket> _immediateFeedback = new List<RtcpPacket>(); // NACKs found while receiving, reused per packet
        private readonly InterceptorChain _interceptors;
        private readonly CongestionControlInterceptor? _congestion;
        private readonly NackGeneratorInterceptor _nackGenerator;
        private readonly NackResponderInterceptor _nackResponder;
        private readonly SenderReportInterceptor _senderReports;
        private readonly ReceiverReportInterceptor _receiverReports;
        private readonly PictureLossInterceptor _pictureLoss;
        private readonly RembInterceptor _remb;
        private readonly KeyframeRequestInterceptor _keyframeRequests;
        private readonly IRtpPacketSink _transmit, _resends;
        private PacedSender? _pacer;
        private IceAgent? _ice;
        private SdpSessionDescription? _local, _remote;
        private bool _isOfferer, _remoteEndOfCandidates, _gatheringComplete, _dtlsStarted;
        private string? _bundleMid;
        private DtlsDatagramBridge? _bridge;
        private DtlsSession? _dtls;
        private SrtpSession? _srtpOut, _srtpIn;
        private Timer? _connectTimer;
        private TimeSpan _rtcpInterval;
        private RtcPeerConnectionState _state = RtcPeerConnectionState.New;
        private long _rtcpMalformed, _injectedLossDropped;

        public RtcPeerConnection(RtcConfiguration? configuration = null)
        {
            _config = configuration ?? new RtcConfiguration();
            _certificate = _config.Certificate ?? DtlsCertificate.Shared;
            _lossRandom = new Random(_config.InjectedLossSeed);
            _transmit = new TransmitSink(this, resends: false);
            _resends = new TransmitSink(this, resends: true);
            // The RTP/RTCP interceptors (pion's RegisterDefaultInterceptors). As a receiver: NACKs, receiver reports,
            // PLIs, transport-wide feedback and REMB (the last two only where the answer kept them). As a sender: NACK
            // resends, sender reports, PLI and FIR, and with congestion control the transport-wide sequence numbers and
            // the bandwidth estimator they feed. Sender reports come before congestion control, which takes their RTT.
            _nackGenerator = new NackGeneratorInterceptor();
            _receiverReports = new ReceiverReportInterceptor(_config.ReceiverReportInterval);
            _pictureLoss = new PictureLossInterceptor(NeedsKeyframe);
            _remb = new RembInterceptor();
            _keyframeRequests = new KeyframeRequestInterceptor();
            _keyframeRequests.KeyframeRequested += OnKeyframeRequested;
            _senderReports = new SenderReportInterceptor();
            _nackResponder = new NackResponderInterceptor(_sendLock, _resends, _senderReports.RoundTripTime, ResendBitrateCap);
            var interceptors = new List<RtpInterceptor>
            {
                _nackGenerator, _receiverReports, _pictureLoss, new TransportFeedbackInterceptor(), _remb, _keyframeRequests, _senderReports, _nackResponder,
            };
            if (_config.CongestionControl)
            {
                var transportSequence = new TransportSequenceInterceptor();
                _congestion = new CongestionControlInterceptor(new SendSideBandwidthEstimator(_config.StartBitrate, _config.MinBitrate, _config.MaxBitrate),
                    transportSequence, _senderReports, trace: _config.Trace);
                interceptors.Add(transportSequence);
                interceptors.Add(_congestion);
            }
            _interceptors = new InterceptorChain(interceptors);
        }

        private void OnKeyframeRequested(uint ssrc, Sender.KeyframeRequestedEventArgs request)
        {
            foreach (var sender in Senders)
                if (sender.Ssrc == ssrc) sender.OnKeyframeRequested(request);
        }

        private bool NeedsKeyframe(uint feedbackSsrc)
        {
            foreach (var receiver in _receivers)
                if (receiver.LocalSsrc == feedbackSsrc) return receiver.NeedsKeyframe;
            return false;
        }

        /// <summary>Resends share the link with the media: on a link found short they get at most half the estimate.</summary>
        private long? ResendBitrateCap() => _congestion?.Estimator is { IsConstrained: true } estimator ? estimator.Target / 2 : (long?)null;

        /// <summary>The sender's bandwidth estimator, or null when congestion control is off.</summary>
        public SendSideBandwidthEstimator? BandwidthEstimator => _congestion?.Estimator;

        /// <summary>A trickled local candidate, or an end-of-candidates entry. Raised on a background thread.</summary>
        public event Action<RtcIceCandidateInit>? IceCandidate;

        /// <summary>Raised on a background thread, outside the connection's locks.</summary>
        public event Action<RtcPeerConnectionState>? ConnectionStateChanged;

        public RtcPeerConnectionState ConnectionState { get { lock (_lock) return _state; } }

        /// <summary>Why the connection failed or closed, when it did.</summary>
        public string? FailureReason { get; private set; }

        public IceConnectionState IceConnectionState => _ice?.State ?? IceConnectionState.New;

        public IReadOnlyList<RtcRtpSender> Senders { get { lock (_lock) return _senders.ToList(); } }
        public IReadOnlyList<RtcRtpReceiver> Receivers { get { lock (_lock) return _receivers.ToList(); } }

        /// <summary>Time since the connection object was created; the clock received frames are stamped on.</summary>
        public TimeSpan Elapsed => _clock.Elapsed;

        public string? LocalDescription => _local?.Serialize();
        public string? RemoteDescription => _remote?.Serialize();

        /// <summary>Adds a sending track (H.264 video or Opus audio), sent where the other side receives that kind.</summary>
        public RtcRtpSender AddTrack(MediaTrackKind kind)
        {
            lock (_lock)
            {
                ThrowIfClosed();
                if (_senders.Any(s => s.Kind == kind)) throw new InvalidOperationException($"A {kind} track was already added.");
                var sender = new RtcRtpSender(kind, _sendLock, _random);
                _senders.Add(sender);
                return sender;
            }
        }

        /// <summary>Adds a receiver (H.264 video or Opus audio), bound where the other side sends that kind.</summary>
        public RtcRtpReceiver AddReceiver(MediaTrackKind kind)
        {
            lock (_lock)
            {
                ThrowIfClosed();
                if (_receivers.Any(r => r.Kind == kind)) throw new InvalidOperationException($"A {kind} receiver was already added.");
                var receiver = new RtcRtpReceiver(kind, _random, () => _clock.Elapsed);
                _receivers.Add(receiver);
                return receiver;
            }
        }

        /// <summary>An offer for the tracks and receivers added (sendrecv where both, setup actpass); we control ICE.</summary>
        public RtcSessionDescription CreateOffer()
        {
            lock (_lock)
            {
                ThrowIfClosed();
                if (_receivers.Count == 0 && _senders.Count == 0) throw new InvalidOperationException("Add a track or a receiver before creating an offer.");
                _isOfferer = true;
                var ice = EnsureIce(IceRole.Controlling);
                var offer = SdpOfferBuilder.Build(LocalTransport(ice, SdpSetup.ActPass), OfferTrack(MediaTrackKind.Video), OfferTrack(MediaTrackKind.Audio), Cname);
                AddHostCandidates(offer, ice);
                return new RtcSessionDescription(RtcSdpType.Offer, offer.Serialize());
            }
        }

        private SdpOfferTrack? OfferTrack(MediaTrackKind kind)
        {
            var sender = _senders.FirstOrDefault(s => s.Kind == kind);
            bool receive = _receivers.Any(r => r.Kind == kind);
            return sender == null && !receive ? null : new SdpOfferTrack(receive, sender?.Ssrc ?? 0);
        }

        /// <summary>The answer to the remote offer: our senders' tracks sendonly, H.264 packetization-mode=1 and Opus.</summary>
        public RtcSessionDescription CreateAnswer()
        {
            lock (_lock)
            {
                ThrowIfClosed();
                if (_remote == null || _isOfferer) throw new InvalidOperationException("Set the remote offer before creating an answer.");
                var video = _senders.FirstOrDefault(s => s.Kind == MediaTrackKind.Video);
                var audio = _senders.FirstOrDefault(s => s.Kind == MediaTrackKind.Audio);
                var options = new SdpAnswerOptions(LocalTransport(_ice!, _config.AnswerSetup), video?.Ssrc ?? 0, audio?.Ssrc ?? 0)
                {
                    Cname = Cname,
                    ReceiveVideo = _receivers.Any(r => r.Kind == MediaTrackKind.Video),
                    ReceiveAudio = _receivers.Any(r => r.Kind == MediaTrackKind.Audio),
                };
                if (_congestion != null)
                {
                    options.HeaderExtensions.Add(TransportSequenceNumber.Uri);
                    options.SupportedFeedback = options.SupportedFeedback.Concat(new[] { new SdpRtcpFeedback(-1, "transport-cc") }).ToList();
                }
                var answer = SdpAnswerBuilder.Build(_remote, options);
                video?.Negotiate(answer.Video);
                audio?.Negotiate(answer.Audio);
                foreach (var negotiated in new[] { answer.ReceivingVideo, answer.ReceivingAudio })
                    if (negotiated != null) BindReceiver(_receivers.First(r => r.Kind == KindOf(negotiated.Kind)), negotiated.Mid, negotiated.Extensions, negotiated.Feedback, new[] { negotiated.PayloadType });
                foreach (var sender in _senders.Where(s => s.Negotiated != null)) _interceptors.BindLocalStream(sender.StreamInfo());
                AddHostCandidates(answer.Description, _ice!);
                return new RtcSessionDescription(RtcSdpType.Answer, answer.Description.Serialize());
            }
        }

        /// <summary>Takes our own offer or answer; ICE starts checking once both descriptions are set.</summary>
        public void SetLocalDescription(RtcSessionDescription description)
        {
            if (description == null) throw new ArgumentNullException(nameof(description));
            var parsed = SdpSessionDescription.Parse(description.Sdp);
            lock (_lock)
            {
                ThrowIfClosed();
                if ((description.Type == RtcSdpType.Offer) != _isOfferer) throw new InvalidOperationException($"A local {description.Type} does not fit this connection's role.");
                _local = parsed;
                _bundleMid ??= parsed.Media.FirstOrDefault(m => m.Port != 0 || m.BundleOnly)?.Mid;
            }
            RaiseGatheringEvents();
            MaybeStartConnecting();
        }

        /// <summary>
        /// Takes the peer's offer (we answer) or answer (we offered). Candidates the SDP carries are added; ones that
        /// arrived through <see cref="AddIceCandidate"/> before it are applied now.
        /// </summary>
        public void SetRemoteDescription(RtcSessionDescription description)
        {
            if (description == null) throw new ArgumentNullException(nameof(description));
            var parsed = SdpSessionDescription.Parse(description.Sdp);
            var transport = parsed.Media.FirstOrDefault(m => m.Port != 0 || m.BundleOnly)
                ?? throw new SdpFormatException("The remote description has no usable media section.");
            string ufrag = parsed.IceUfragFor(transport) ?? throw new SdpFormatException("The remote description has no ice-ufrag.");
            string pwd = parsed.IcePwdFor(transport) ?? throw new SdpFormatException("The remote description has no ice-pwd.");
            if (parsed.FingerprintFor(transport) == null) throw new SdpFormatException("The remote description has no DTLS fingerprint.");
            List<IceCandidate> early;
            lock (_lock)
            {
                ThrowIfClosed();
                if (description.Type == RtcSdpType.Offer)
                {
                    if (_isOfferer) throw new InvalidOperationException("We made the offer; the remote description must be an answer.");
                    // Answerers are controlled, unless the offerer is ice-lite (RFC 8445 section 6.1.1).
                    EnsureIce(parsed.IceLite ? IceRole.Controlling : IceRole.Controlled);
                    _bundleMid = transport.Mid;
                }
                else
                {
                    if (!_isOfferer || _ice == null) throw new InvalidOperationException("An answer needs our offer first.");
                    BindReceivers(parsed);
                    NegotiateSenders(parsed);
                }
                _remote = parsed;
                _ice!.SetRemoteCredentials(ufrag, pwd);
                early = _earlyCandidates.ToList();
                _earlyCandidates.Clear();
            }
            foreach (var candidate in transport.Candidates.Concat(parsed.Media.Where(m => m != transport).SelectMany(m => m.Candidates)))
                TryAddRemoteCandidate(candidate);
            foreach (var candidate in early) _ice!.AddRemoteCandidate(candidate);
            if (transport.EndOfCandidates) AddIceCandidate(new RtcIceCandidateInit(""));
            Trace($"remote {description.Type.ToString().ToLowerInvariant()} set: {parsed}");
            MaybeStartConnecting();
        }

        /// <summary>A trickled remote candidate; an empty one means end of candidates. Malformed candidates are ignored and traced.</summary>
        public void AddIceCandidate(RtcIceCandidateInit candidate)
        {
            if (candidate == null) throw new ArgumentNullException(nameof(candidate));
            IceAgent? ice;
            lock (_lock)
            {
                if (_state == RtcPeerConnectionState.Closed) return;
                ice = _remote != null ? _ice : null;
                if (candidate.IsEndOfCandidates)
                {
                    _remoteEndOfCandidates = true;
                    if (ice == null) return;
                }
                else if (ice == null)
                {
                    if (TryParse(candidate.Candidate) is IceCandidate parsed && _earlyCandidates.Count < IceAgent.MaxRemoteCandidates) _earlyCandidates.Add(parsed);
                    return;
                }
            }
            if (candidate.IsEndOfCandidates) ice.EndOfRemoteCandidates();
            else TryAddRemoteCandidate(candidate.Candidate);
        }

        /// <summary>Completes when media can flow; throws <see cref="RtcConnectionFailedException"/> when it cannot.</summary>
        public async Task WaitConnectedAsync(CancellationToken cancellationToken = default)
        {
            if (!cancellationToken.CanBeCanceled)
            {
                await _connected.Task.ConfigureAwait(false);
                return;
            }
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetCanceled(cancellationToken)))
                await (await Task.WhenAny(_connected.Task, cancelled.Task).ConfigureAwait(false)).ConfigureAwait(false);
        }

        public RtcStatsReport GetStats()
        {
            lock (_lock)
            {
                var pair = _ice?.SelectedPair;
                var transport = new RtcTransportStats(_ice?.BadIntegrityDropped ?? 0, _ice?.MalformedDropped ?? 0, _ice?.UnauthenticatedDataDropped ?? 0,
                    _srtpIn?.Counters.AuthenticationFailures ?? 0, _srtpIn?.Counters.ReplaysDropped ?? 0, _srtpIn?.Counters.MalformedDropped ?? 0,
                    Interlocked.Read(ref _rtcpMalformed), Interlocked.Read(ref _injectedLossDropped));
                return new RtcStatsReport(_state, IceConnectionState, pair == null ? null : $"{pair.Local.Type.ToName()} {pair.Local.Address}:{pair.Local.Port} -> {pair.Remote.Type.ToName()} {pair.RemoteEndPoint}",
                    _dtls?.Role.ToString(), _dtls?.Profile.ToString(), transport, _senders.Select(s => s.Stats(_senderReports, _nackResponder, _remb, _keyframeRequests.Requests(s.Ssrc))).ToList(),
                    _receivers.Select(r => r.Stats(_receiverReports.PacketsLost(r.LocalSsrc), _nackGenerator.NacksSent(r.LocalSsrc), _pictureLoss.PictureLossIndicationsSent(r.LocalSsrc))).ToList());
            }
        }

        /// <summary>Says RTCP BYE for our senders, sends DTLS close_notify and releases the sockets. Safe to call twice.</summary>
        public void Close(string? reason = null)
        {
            DtlsSession? dtls;
            IceAgent? ice;
            lock (_lock)
            {
                if (_state == RtcPeerConnectionState.Closed) return;
                dtls = _dtls;
                ice = _ice;
            }
            if (_srtpOut != null && ice?.SelectedPair != null)
            {
                var sending = _senders.Where(s => s.Negotiated != null).Select(s => s.Ssrc).ToList();
                if (sending.Count > 0) SendRtcp(new RtcpPacket[] { new Goodbye(sending, reason) });
            }
            foreach (var sender in _senders) sender.Stop();
            _pacer?.Dispose();
            _connectTimer?.Dispose();
            dtls?.Dispose();
            foreach (var receiver in _receivers) receiver.Flush();
            SetState(RtcPeerConnectionState.Closed, reason ?? "closed locally");
            ice?.Dispose();
            lock (_sendLock)
            {
                _srtpOut?.Dispose();
                _srtpOut = null;
            }
            lock (_receiveLock)
            {
                _srtpIn?.Dispose();
                _srtpIn = null;
                _earlyMedia.Clear();
                _earlyMediaReplayed = true; // nothing more to hold once closed
            }
        }

        public void Dispose() => Close();

        private IceAgent EnsureIce(IceRole role)
        {
            if (_ice != null) return _ice;
            var options = new IceAgentOptions
            {
                Role = role,
                LoopbackOnly = _config.LoopbackOnly,
                IncludeIPv6 = _config.IncludeIPv6,
                TransportPolicy = _config.IceTransportPolicy,
                CheckInterval = _config.IceCheckInterval,
            };
            RtcIceServers.AddTo(_config.IceServers, options, _config.Trace);
            _ice = new IceAgent(options);
            _ice.StateChanged += OnIceStateChanged;
            _ice.DataReceived += OnIceData;
            _ice.CandidateGathered += candidate =>
            {
                if (_local != null) IceCandidate?.Invoke(new RtcIceCandidateInit(candidate.ToAttributeValue(), _bundleMid, 0));
            };
            _ice.GatheringComplete += () =>
            {
                lock (_lock) _gatheringComplete = true;
                if (_local != null) IceCandidate?.Invoke(new RtcIceCandidateInit("", _bundleMid, 0));
            };
            return _ice;
        }

        private SdpLocalTransport LocalTransport(IceAgent ice, SdpSetup setup) =>
            new SdpLocalTransport(ice.LocalCredentials.Ufrag, ice.LocalCredentials.Password, SdpFingerprint.Parse(_certificate.Fingerprint.ToString()), setup);

        private static void AddHostCandidates(SdpSessionDescription description, IceAgent ice)
        {
            var first = description.Media.FirstOrDefault(m => m.Port != 0);
            if (first == null) return;
            foreach (var candidate in ice.GatherCandidates())
                first.AddAttribute("candidate", candidate.ToAttributeValue().Substring("candidate:".Length));
        }

        /// <summary>
        /// Candidates learned before the local description was set, and end-of-candidates when gathering already
        /// finished, are raised once it is, so the peer never gets a candidate ahead of the description.
        /// </summary>
        private void RaiseGatheringEvents()
        {
            IceAgent? ice;
            bool complete;
            lock (_lock)
            {
                ice = _ice;
                complete = _gatheringComplete;
            }
            if (ice == null) return;
            var hosts = new HashSet<string>(_local!.Media.SelectMany(m => m.Candidates));
            foreach (var candidate in ice.LocalCandidates)
            {
                // Relay-only never reveals local addresses (the agent still lists its host sockets).
                if (_config.IceTransportPolicy == IceTransportPolicy.Relay && candidate.Type != IceCandidateType.Relayed) continue;
                string value = candidate.ToAttributeValue();
                if (!hosts.Contains(value.Substring("candidate:".Length))) IceCandidate?.Invoke(new RtcIceCandidateInit(value, _bundleMid, 0));
            }
            if (complete) IceCandidate?.Invoke(new RtcIceCandidateInit("", _bundleMid, 0));
        }

        /// <summary>Our offer's receivers, on the sections the answer accepted and sends on.</summary>
        private void BindReceivers(SdpSessionDescription answer)
        {
            foreach (var receiver in _receivers)
            {
                var offered = _local?.Media.FirstOrDefault(m => KindOf(m) == receiver.Kind);
                var answered = answer.Media.FirstOrDefault(m => m.Mid == offered?.Mid);
                if (offered == null || answered == null || answered.Port == 0 && !answered.BundleOnly || !answered.Direction.Sends()) continue;
                // What both sides agreed: the offer's feedback and extensions that the answer kept.
                var feedback = offered.RtpMaps.SelectMany(m => offered.RtcpFeedbackFor(m.PayloadType))
                    .Where(f => answered.RtpMaps.Any(a => answered.RtcpFeedbackFor(a.PayloadType).Any(f.SameKind))).ToList();
                BindReceiver(receiver, offered.Mid!, answered.Extmaps.ToList(), feedback, answered.RtpMaps.Select(m => m.PayloadType).ToList());
            }
        }

        private void BindReceiver(RtcRtpReceiver receiver, string mid, IReadOnlyList<SdpExtmap> extensions, IReadOnlyList<SdpRtcpFeedback> feedback,
            IReadOnlyCollection<int> payloadTypes)
        {
            receiver.Mid = mid;
            receiver.PayloadTypes = payloadTypes;
            _interceptors.BindRemoteStream(new Interceptor.RtpStreamInfo(receiver.Kind, receiver.LocalSsrc, receiver.ClockRate, extensions, feedback, payloadTypes));
        }

        /// <summary>Our offer's tracks, on the sections the answer accepted and receives on, with the codec it chose.</summary>
        private void NegotiateSenders(SdpSessionDescription answer)
        {
            foreach (var sender in _senders)
            {
                var offered = _local?.Media.FirstOrDefault(m => KindOf(m) == sender.Kind);
                var answered = answer.Media.FirstOrDefault(m => m.Mid == offered?.Mid);
                if (offered == null || answered == null || answered.Port == 0 && !answered.BundleOnly || !answered.Direction.Receives()) continue;
                var rtpMaps = answered.RtpMaps.ToList();
                var codec = answered.Formats.Select(f => rtpMaps.FirstOrDefault(m => m.PayloadType.ToString(System.Globalization.CultureInfo.InvariantCulture) == f))
                    .FirstOrDefault(m => m != null && (sender.Kind == MediaTrackKind.Video ? m.Is("H264", 90000) : m.Is("opus", 48000)));
                if (codec == null) continue;
                sender.Negotiate(new SdpNegotiatedMedia(answered.Media, offered.Mid!, codec, answered.FmtpFor(codec.PayloadType),
                    answered.RtcpFeedbackFor(codec.PayloadType).ToList(), answered.Extmaps.ToList(), sender.Ssrc));
                _interceptors.BindLocalStream(sender.StreamInfo());
            }
        }

        private static MediaTrackKind? KindOf(SdpMediaDescription media) => KindOf(media.Media);

        private static MediaTrackKind? KindOf(string media) =>
            media == "video" ? MediaTrackKind.Video : media == "audio" ? MediaTrackKind.Audio : (MediaTrackKind?)null;

        private IceCandidate? TryParse(string text)
        {
            try
            {
                return Ice.IceCandidate.Parse(text);
            }
            catch (IceFormatException e)
            {
                Trace($"ignored a malformed remote candidate: {e.Message}");
                return null;
            }
        }

        private void TryAddRemoteCandidate(string text)
        {
            if (TryParse(text) is IceCandidate candidate) _ice?.AddRemoteCandidate(candidate);
        }

        private void MaybeStartConnecting()
        {
            bool endOfCandidates;
            lock (_lock)
            {
                if (_local == null || _remote == null || _state != RtcPeerConnectionState.New) return;
                endOfCandidates = _remoteEndOfCandidates;
                _connectTimer = new Timer(_ => Fail(NoRelayReason() ?? $"not connected within {_config.ConnectTimeout.TotalSeconds:0.#} s (ICE {IceConnectionState})"),
                    null, _config.ConnectTimeout, Timeout.InfiniteTimeSpan);
            }
            SetState(RtcPeerConnectionState.Connecting, null);
            if (endOfCandidates) _ice!.EndOfRemoteCandidates();
            if (_ice!.State == IceConnectionState.Connected) OnIceStateChanged(IceConnectionState.Connected);
        }

        /// <summary>Under relay-only without any relayed candidate, the reason nothing can connect; otherwise null.</summary>
        private string? NoRelayReason() =>
            _config.IceTransportPolicy == IceTransportPolicy.Relay && !(_ice?.LocalCandidates.Any(c => c.Type == IceCandidateType.Relayed) ?? false)
                ? "relay-only ICE has no relayed candidate: no TURN server was configured, reachable, or accepted the credentials"
                : null;

        private void OnIceStateChanged(IceConnectionState state)
        {
            Trace($"ICE {state}");
            if (state == IceConnectionState.Failed)
            {
                Fail(ConnectionState == RtcPeerConnectionState.Connected
                    ? "ICE consent expired: the peer stopped answering (RFC 7675)"
                    : NoRelayReason() ?? "ICE failed: no candidate pair worked; check that the peers can reach each other or use a TURN relay");
                return;
            }
            if (state != IceConnectionState.Connected) return;
            DtlsRole role;
            lock (_lock)
            {
                if (_dtlsStarted || _remote == null || _local == null || _state != RtcPeerConnectionState.Connecting) return;
                _dtlsStarted = true;
                var localSetup = _local.SetupFor(_local.Media.First(m => m.Port != 0 || m.BundleOnly));
                var remoteSetup = _remote.SetupFor(_remote.Media.First(m => m.Port != 0 || m.BundleOnly));
                // Whoever answered active is the DTLS client (RFC 8842).
                role = _isOfferer ? (remoteSetup == SdpSetup.Passive ? DtlsRole.Client : DtlsRole.Server)
                                  : (localSetup == SdpSetup.Active ? DtlsRole.Client : DtlsRole.Server);
                _bridge = new DtlsDatagramBridge(SendDtls);
            }
            _ = StartDtlsAsync(role);
        }

        private async Task StartDtlsAsync(DtlsRole role)
        {
            var remoteMedia = _remote!.Media.First(m => m.Port != 0 || m.BundleOnly);
            var expected = _remote.FingerprintFor(remoteMedia)!;
            Trace($"DTLS handshake as {role.ToString().ToLowerInvariant()}");
            try
            {
                var dtls = await DtlsSession.HandshakeAsync(role, _bridge!, _certificate, new DtlsFingerprint(expected.Algorithm, expected.Digest.Span),
                    timeout: _config.ConnectTimeout, profiles: _config.SrtpProfiles).ConfigureAwait(false);
                var keys = dtls.SrtpKeys;
                lock (_lock)
                {
                    if (_state != RtcPeerConnectionState.Connecting)
                    {
                        dtls.Dispose();
                        return;
                    }
                    _dtls = dtls;
                    lock (_sendLock) _srtpOut = new SrtpSession(dtls.Profile, keys.LocalKey.Span, keys.LocalSalt.Span);
                    lock (_receiveLock) _srtpIn = new SrtpSession(dtls.Profile, keys.RemoteKey.Span, keys.RemoteSalt.Span);
                    if (_congestion != null && _senders.Count > 0) _pacer = new PacedSender(_sendLock, TransmitRtp) { PacingRate = PacingRate() };
                    foreach (var sender in _senders)
                        sender.Start(_pacer == null ? _transmit : sender.Kind == MediaTrackKind.Video ? _pacer.Video : _pacer.Audio, MaxRtpPayload, _congestion);
                    _connectTimer?.Dispose();
                    // With nothing to receive, the ticks only send the sender reports that are due (about 1 s apart).
                    _rtcpInterval = !_receivers.Any(r => r.Mid != null) && _config.RtcpInterval < SenderOnlyRtcpInterval ? SenderOnlyRtcpInterval : _config.RtcpInterval;
                    PacingClock.Monotonic.Schedule(PacingClock.Monotonic.Now + _rtcpInterval, RtcpTick, this);
                }
                dtls.RemoteClosed += () => Close("the peer closed the connection (DTLS close_notify)");
                SetState(RtcPeerConnectionState.Connected, null);
                ReplayEarlyMedia();
                _connected.TrySetResult(true);
            }
            catch (DtlsFingerprintMismatchException e)
            {
                Fail($"DTLS failed: {e.Message}", e);
            }
            catch (Exception e) when (e is System.IO.IOException || e is OperationCanceledException)
            {
                Fail($"DTLS handshake as {role.ToString().ToLowerInvariant()} failed: {e.Message}", e);
            }
        }

        private void SendDtls(byte[] datagram)
        {
            var ice = _ice;
            if (ice?.SelectedPair != null) ice.Send(datagram, datagram.Length);
        }

        /// <summary>The pacer's rate: the estimate times libwebrtc's pacing factor, so queues drain faster than they fill.</summary>
        private long PacingRate() => (long)((_congestion?.Estimator.Target ?? 0) * _config.PacingFactor);

        /// <summary>A plain RTP packet leaves now (under the send lock): the interceptors see and stamp it, then SRTP and the socket.</summary>
        private void TransmitRtp(byte[] buffer, int length)
        {
            if (_srtpOut == null) return;
            _interceptors.OnRtpSending(buffer.AsSpan(0, length), _clock.Elapsed);
            SendMedia(buffer, _srtpOut.ProtectRtp(buffer, length));
        }

        /// <summary>Sends protected RTP or RTCP from the send pipeline; the test hook may drop RTP here.</summary>
        private void SendMedia(byte[] buffer, int length)
        {
            if (_config.InjectedSendLoss > 0 && !RtcpDemultiplexer.IsRtcp(buffer.AsSpan(0, length)))
            {
                bool drop;
                lock (_lossRandom) drop = _lossRandom.NextDouble() < _config.InjectedSendLoss;
                if (drop)
                {
                    Interlocked.Increment(ref _injectedLossDropped);
                    return;
                }
            }
            var ice = _ice;
            if (ice == null || ice.SelectedPair == null) return;
            try
            {
                ice.Send(buffer, length);
            }
            catch (InvalidOperationException)
            {
                // ICE lost its pair or was disposed while closing; the state change reports it.
            }
        }

        private void OnIceData(PacketKind kind, byte[] datagram, System.Net.IPEndPoint from)
        {
            if (kind == PacketKind.Dtls)
            {
                _bridge?.Deliver(datagram);
                return;
            }
            if (kind != PacketKind.Rtp) return;
            lock (_receiveLock)
            {
                if (_srtpIn == null && !_earlyMediaReplayed)
                {
                    if (_earlyMedia.Count < MaxEarlyMedia) _earlyMedia.Enqueue(datagram);
                    return;
                }
            }
            OnMediaDatagram(datagram);
        }

        private void OnMediaDatagram(byte[] datagram)
        {
            if (RtcpDemultiplexer.IsRtcp(datagram)) OnRtcpDatagram(datagram);
            else OnRtpDatagram(datagram);
        }

        /// <summary>Processes the media held while the keys were being made, before anything that arrives later.</summary>
        private void ReplayEarlyMedia()
        {
            lock (_receiveLock)
            {
                while (_earlyMedia.Count > 0) OnMediaDatagram(_earlyMedia.Dequeue());
                _earlyMediaReplayed = true;
            }
        }

        private void OnRtpDatagram(byte[] datagram)
        {
            lock (_receiveLock)
            {
                if (_srtpIn == null || !_srtpIn.TryUnprotectRtp(datagram, datagram.Length, out int length)) return;
                if (!RtpPacket.TryParse(datagram.AsSpan(0, length), out var parsed)) return;
                _interceptors.OnRtpReceived(parsed, length, _clock.Elapsed, _immediateFeedback);
                int payloadType = parsed.Header.PayloadType;
                foreach (var receiver in _receivers)
                {
                    if (!receiver.PayloadTypes.Contains(payloadType)) continue;
                    receiver.OnRtp(datagram.AsSpan(0, length));
                    break;
                }
                // Sent under the receive lock, which guards the reused list; nothing takes the locks the other way round.
                if (_immediateFeedback.Count == 0) return;
                SendRtcp(_immediateFeedback);
                _immediateFeedback.Clear();
            }
        }

        private void OnRtcpDatagram(byte[] datagram)
        {
            List<RtcpPacket> packets;
            lock (_receiveLock)
            {
                if (_srtpIn == null || !_srtpIn.TryUnprotectRtcp(datagram, datagram.Length, out int length)) return;
                try
                {
                    packets = RtcpCompoundPacket.Parse(datagram.AsSpan(0, length));
                }
                catch (RtcpFormatException)
                {
                    Interlocked.Increment(ref _rtcpMalformed);
                    return;
                }
            }
            _interceptors.OnRtcpReceived(packets, _clock.Elapsed);
            var pacer = _pacer;
            if (pacer != null) pacer.PacingRate = PacingRate();
            foreach (var packet in packets)
                foreach (var receiver in _receivers) receiver.OnRtcp(packet);
        }

        /// <summary>Runs on a pacing thread, beside the media, and schedules the next tick until the connection ends.</summary>
        private static readonly Action<object?> RtcpTick = pc => ((RtcPeerConnection)pc!).OnRtcpTick();

        private void OnRtcpTick()
        {
            if (ConnectionState != RtcPeerConnectionState.Connected) return;
            try
            {
                var outgoing = new List<RtcpPacket>();
                _interceptors.OnTick(_clock.Elapsed, outgoing);
                SendRtcp(outgoing);
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                Trace($"RTCP tick failed: {e.Message}"); // a timer callback must not take the process down
            }
            PacingClock.Monotonic.Schedule(PacingClock.Monotonic.Now + _rtcpInterval, RtcpTick, this);
        }

        /// <summary>
        /// Sends RTCP as few compounds as fit a datagram. Reports lead, followed by the CNAME of the first one's source,
        /// as RFC 3550 section 6.1 asks of a compound; what does not fit after them goes on in reduced-size compounds
        /// (RFC 5506, which every WebRTC peer negotiates).
        /// </summary>
        private void SendRtcp(IReadOnlyList<RtcpPacket> packets)
        {
            if (packets.Count == 0) return;
            static bool IsReport(RtcpPacket packet) => packet is SenderReport || packet is ReceiverReport;
            var ordered = new List<RtcpPacket>(packets.Count + 1);
            foreach (var packet in packets)
                if (IsReport(packet)) ordered.Add(packet);
            if (ordered.Count > 0) ordered.Add(SourceDescription.ForCName(ordered[0] is SenderReport sr ? sr.Ssrc : ((ReceiverReport)ordered[0]).Ssrc, Cname));
            foreach (var packet in packets)
                if (!IsReport(packet)) ordered.Add(packet);
            int room = _rtcpBuffer.Length - SrtpProtectionProfiles.MaxTrailerLength;
            lock (_sendLock)
            {
                if (_srtpOut == null) return;
                var compound = new List<RtcpPacket>(ordered.Count);
                int length = 0;
                foreach (var packet in ordered)
                {
                    if (packet.Length > room)
                    {
                        Trace($"dropped an RTCP {packet.PacketType} of {packet.Length} bytes: larger than a datagram");
                        continue;
                    }
                    if (length + packet.Length > room)
                    {
                        SendCompound(compound, room);
                        compound.Clear();
                        length = 0;
                    }
                    compound.Add(packet);
                    length += packet.Length;
                }
                if (compound.Count > 0) SendCompound(compound, room);
            }
        }

        private void SendCompound(List<RtcpPacket> packets, int room)
        {
            int length = RtcpCompoundPacket.Write(_rtcpBuffer.AsSpan(0, room), packets);
            SendMedia(_rtcpBuffer, _srtpOut!.ProtectRtcp(_rtcpBuffer, length));
        }

        private void Fail(string reason, Exception? cause = null)
        {
            lock (_lock)
            {
                if (_state == RtcPeerConnectionState.Failed || _state == RtcPeerConnectionState.Closed) return;
            }
            foreach (var sender in _senders) sender.Stop();
            _pacer?.Dispose();
            _connectTimer?.Dispose();
            SetState(RtcPeerConnectionState.Failed, reason);
            _connected.TrySetException(new RtcConnectionFailedException(reason, cause));
        }

        private void SetState(RtcPeerConnectionState state, string? reason)
        {
            lock (_lock)
            {
                if (_state == state || _state == RtcPeerConnectionState.Closed) return;
                if (_state == RtcPeerConnectionState.Failed && state != RtcPeerConnectionState.Closed) return;
                _state = state;
                if (reason != null && FailureReason == null) FailureReason = reason;
            }
            Trace($"connection {state}{(reason != null ? ": " + reason : "")}");
            if (state == RtcPeerConnectionState.Closed) _connected.TrySetException(new RtcConnectionFailedException("The connection was closed: " + reason));
            ConnectionStateChanged?.Invoke(state);
        }

        private void ThrowIfClosed()
        {
            if (_state == RtcPeerConnectionState.Closed) throw new ObjectDisposedException(nameof(RtcPeerConnection));
        }

        /// <summary>
        /// Where a sender's packets go when nothing paces them, and where resends go: to the pacer's resend lane once it
        /// runs, otherwise out at once, under the send lock.
        /// </summary>
        private sealed class TransmitSink : IRtpPacketSink
        {
            private readonly RtcPeerConnection _owner;
            private readonly bool _resends;

            public TransmitSink(RtcPeerConnection owner, bool resends)
            {
                _owner = owner;
                _resends = resends;
            }

            public void OnRtpPacket(byte[] buffer, int length)
            {
                var pacer = _resends ? _owner._pacer : null;
                if (pacer != null)
                {
                    pacer.Resends.OnRtpPacket(buffer, length);
                    return;
                }
                lock (_owner._sendLock) _owner.TransmitRtp(buffer, length);
            }
        }

        private void Trace(string message) => _config.Trace?.Invoke(message);
    }
}
