using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Playwright;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// A real libwebrtc peer: one page of a headless Chromium (<see cref="ChromiumBrowser"/>) that holds one
    /// RTCPeerConnection (chromium_peer.html). The test is the signalling channel: it passes SDP and candidate strings
    /// between this page and the other peer. <see cref="ChromiumBrowser.OpenPeerAsync"/> makes one; disposing it closes
    /// the page, and with it the page's connection.
    /// </summary>
    public sealed class ChromiumPeer : IInteropPeer, IAsyncDisposable
    {
        // Served through Playwright's router, never over the network: http://localhost is a secure origin, which
        // getUserMedia needs, and nothing has to listen on a port.
        private const string Origin = "http://localhost/";
        private const string PageResource = "KinesisVideoWebRTCStorage.Tests.Interop.chromium_peer.html";

        private readonly IPage page;
        private readonly Channel<TrickledCandidate> localCandidates = Channel.CreateUnbounded<TrickledCandidate>();

        private ChromiumPeer(IPage page)
        {
            this.page = page;
        }

        /// <summary>Loopback UDP candidates as Chromium gathers them; completes at Chromium's end-of-candidates.</summary>
        public ChannelReader<TrickledCandidate> LocalCandidates => localCandidates.Reader;

        /// <summary>Loads the peer page into <paramref name="page"/>, which the peer then owns.</summary>
        internal static async Task<ChromiumPeer> OpenAsync(IPage page, CancellationToken cancellationToken)
        {
            var peer = new ChromiumPeer(page);
            await page.ExposeFunctionAsync<string>("kvsLocalCandidate", peer.OnLocalCandidate).ConfigureAwait(false);
            string html = ReadPage();
            await page.RouteAsync(Origin + "**", route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/html", Body = html }))
                .ConfigureAwait(false);
            await page.GotoAsync(Origin, new PageGotoOptions { Timeout = (float)InteropTimeouts.Launch.TotalMilliseconds })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            return peer;
        }

        /// <summary>
        /// Offers to receive one video and one audio stream (both recvonly, Chromium's own codec order, H.264 in packetization
        /// modes 0 and 1 among them) and returns the offer SDP after setLocalDescription. Candidates trickle afterwards.
        /// </summary>
        public Task<string> CreateReceiveOfferAsync() => EvaluateAsync<string>("() => window.kvsPeer.createReceiveOffer()");

        /// <summary>An offer that receives video and sends and receives audio: the fake microphone's <see cref="ChromiumBrowser.MicrophoneToneHz"/> tone.</summary>
        public Task<string> CreateTwoWayAudioOfferAsync() => EvaluateAsync<string>("() => window.kvsPeer.createTwoWayAudioOffer()");

        /// <summary>
        /// Answers <paramref name="offerSdp"/> by sending (sendonly) Chromium's fake camera and microphone and returns the
        /// answer SDP. The video answer lists only H.264 packetization-mode=1 (profile 42e01f first, with rtx), and the
        /// sender is pinned to one of them, so Chromium sends H.264 even when the offer puts VP8 first.
        /// </summary>
        public Task<string> AnswerWithFakeCameraAsync(string offerSdp) =>
            EvaluateAsync<string>("offer => window.kvsPeer.answerWithFakeCamera(offer)", offerSdp);

        /// <summary>
        /// Acts as the KVS master of a channel: opens the presigned signaling URL and answers the storage service's
        /// SDP_OFFER with the fake camera (H.264) and microphone (Opus), trickling candidates over signaling.
        /// </summary>
        public Task ConnectAsKvsMasterAsync(Uri presignedUrl) => EvaluateAsync<string>("url => window.kvsPeer.connectAsKvsMaster(url)", presignedUrl.ToString());

        /// <summary>
        /// Acts as a viewer of the channel's storage session: opens the presigned viewer URL and answers the storage
        /// session's SDP_OFFER receiving video and sending and receiving audio (the fake microphone).
        /// </summary>
        public Task ConnectAsKvsViewerAsync(Uri presignedUrl) => EvaluateAsync<string>("url => window.kvsPeer.connectAsKvsViewer(url)", presignedUrl.ToString());

        /// <summary>The signaling messages the page received as master or viewer, by type, in order.</summary>
        public async Task<string[]> KvsLogAsync() =>
            JsonSerializer.Deserialize<string[]>(await EvaluateAsync<string>("() => window.kvsPeer.kvsLog()").ConfigureAwait(false))!;

        /// <summary>Closes the peer connection and the signaling socket, as a master or viewer that stops.</summary>
        public Task StopKvsAsync() => EvaluateAsync<object>("() => window.kvsPeer.stopKvs()");

        public Task SetRemoteAnswerAsync(string sdp) => EvaluateAsync<object>("sdp => window.kvsPeer.setRemoteAnswer(sdp)", sdp);

        /// <param name="candidate">The attribute value, "candidate:..." (no "a=").</param>
        /// <param name="sdpMid">The media section by mid; with neither mid nor index, the first section (the bundle) is assumed.</param>
        public Task AddRemoteCandidateAsync(string candidate, string? sdpMid, int? sdpMLineIndex) =>
            EvaluateAsync<object>("([c, mid, index]) => window.kvsPeer.addRemoteCandidate(c, mid, index)",
                new object?[] { candidate, sdpMid, sdpMLineIndex });

        public async Task<ChromiumInboundStats> GetInboundStatsAsync()
        {
            string json = await EvaluateAsync<string>("() => window.kvsPeer.inboundStats()").ConfigureAwait(false);
            return JsonSerializer.Deserialize<ChromiumInboundStats>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        }

        /// <summary>RTCPeerConnection.connectionState ("new", "connecting", "connected", "failed", ...), or "none" before an offer or answer.</summary>
        public Task<string> ConnectionStateAsync() => EvaluateAsync<string>("() => window.kvsPeer.connectionState()");

        public async ValueTask DisposeAsync()
        {
            localCandidates.Writer.TryComplete();
            await page.CloseAsync().WaitAsync(InteropTimeouts.Launch).ConfigureAwait(false);
        }

        private async Task<T> EvaluateAsync<T>(string expression, object? argument = null)
        {
            // The page never hangs on purpose; a bound turns a stuck browser into a failure that names the call.
            try
            {
                return await page.EvaluateAsync<T>(expression, argument).WaitAsync(InteropTimeouts.Signalling).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"Chromium did not finish '{expression}' within {InteropTimeouts.Signalling.TotalSeconds} s.", e);
            }
        }

        private void OnLocalCandidate(string json)
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                localCandidates.Writer.TryComplete();
                return;
            }
            string candidate = root.GetProperty("candidate").GetString()!;
            string? mid = root.TryGetProperty("sdpMid", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            int? index = root.TryGetProperty("sdpMLineIndex", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : null;
            localCandidates.Writer.TryWrite(new TrickledCandidate(candidate, mid, index));
        }

        private static string ReadPage()
        {
            using var stream = typeof(ChromiumPeer).Assembly.GetManifestResourceStream(PageResource)
                ?? throw new InvalidOperationException($"Embedded resource {PageResource} is missing from the test assembly.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }
}
