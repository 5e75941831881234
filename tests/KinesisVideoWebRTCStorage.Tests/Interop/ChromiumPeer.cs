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
    /// A real libwebrtc peer: one headless Chromium with one page that holds one RTCPeerConnection (chromium_peer.html).
    /// The test is the signalling channel: it passes SDP and candidate strings between this page and the other peer.
    /// Each instance is its own browser process with a fresh profile, deleted on dispose.
    /// </summary>
    public sealed class ChromiumPeer : IAsyncDisposable
    {
        public const string ExecutablePath = "/usr/bin/chromium";

        // Served through Playwright's router, never over the network: http://localhost is a secure origin, which
        // getUserMedia needs, and nothing has to listen on a port.
        private const string Origin = "http://localhost/";
        private const string PageResource = "KinesisVideoWebRTCStorage.Tests.Interop.chromium_peer.html";

        private static readonly string[] Flags =
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            // Fake camera and microphone, permission granted without a prompt.
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            // Without this Chromium never gathers 127.0.0.1, the only address the peers share here.
            "--allow-loopback-in-peer-connection",
            // Remote audio is decoded only while an <audio> element plays it; headless has no user to click.
            "--autoplay-policy=no-user-gesture-required",
        };

        private readonly IPlaywright playwright;
        private readonly IBrowserContext browser;
        private readonly IPage page;
        private readonly string userDataDirectory;
        private readonly Channel<TrickledCandidate> localCandidates = Channel.CreateUnbounded<TrickledCandidate>();

        private ChromiumPeer(IPlaywright playwright, IBrowserContext browser, IPage page, string userDataDirectory)
        {
            this.playwright = playwright;
            this.browser = browser;
            this.page = page;
            this.userDataDirectory = userDataDirectory;
        }

        /// <summary>Loopback UDP candidates as Chromium gathers them; completes at Chromium's end-of-candidates.</summary>
        public ChannelReader<TrickledCandidate> LocalCandidates => localCandidates.Reader;

        public static async Task<ChromiumPeer> LaunchAsync(CancellationToken cancellationToken = default)
        {
            // CI installs Chromium (.ci/run); a machine without it must fail these tests, not pass them vacuously.
            if (!File.Exists(ExecutablePath))
                throw new InvalidOperationException($"Chromium is not installed at {ExecutablePath}; install the Debian package 'chromium' (see .ci/run).");

            string userDataDirectory = Directory.CreateTempSubdirectory("kvs-chromium-").FullName;
            IPlaywright? playwright = null;
            IBrowserContext? browser = null;
            try
            {
                playwright = await Playwright.CreateAsync().WaitAsync(InteropTimeouts.Launch, cancellationToken).ConfigureAwait(false);
                // A persistent context is Playwright's way to give Chromium a --user-data-dir of our choosing.
                browser = await playwright.Chromium.LaunchPersistentContextAsync(userDataDirectory, new BrowserTypeLaunchPersistentContextOptions
                {
                    ExecutablePath = ExecutablePath,
                    Headless = true,
                    Args = Flags,
                    Timeout = (float)InteropTimeouts.Launch.TotalMilliseconds,
                }).WaitAsync(cancellationToken).ConfigureAwait(false);
                IPage page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync().ConfigureAwait(false);
                var peer = new ChromiumPeer(playwright, browser, page, userDataDirectory);

                await page.ExposeFunctionAsync<string>("kvsLocalCandidate", peer.OnLocalCandidate).ConfigureAwait(false);
                string html = ReadPage();
                await page.RouteAsync(Origin + "**", route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/html", Body = html }))
                    .ConfigureAwait(false);
                await page.GotoAsync(Origin, new PageGotoOptions { Timeout = (float)InteropTimeouts.Launch.TotalMilliseconds })
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
                return peer;
            }
            catch
            {
                if (browser != null) await browser.CloseAsync().ConfigureAwait(false);
                playwright?.Dispose();
                DeleteQuietly(userDataDirectory);
                throw;
            }
        }

        /// <summary>
        /// Offers to receive one video and one audio stream (both recvonly, Chromium's own codec order, H.264 in packetization
        /// modes 0 and 1 among them) and returns the offer SDP after setLocalDescription. Candidates trickle afterwards.
        /// </summary>
        public Task<string> CreateReceiveOfferAsync() => EvaluateAsync<string>("() => window.kvsPeer.createReceiveOffer()");

        /// <summary>
        /// Answers <paramref name="offerSdp"/> by sending (sendonly) Chromium's fake camera and microphone and returns the
        /// answer SDP. The video answer lists only H.264 packetization-mode=1 (profile 42e01f first, with rtx), and the
        /// sender is pinned to one of them, so Chromium sends H.264 even when the offer puts VP8 first.
        /// </summary>
        public Task<string> AnswerWithFakeCameraAsync(string offerSdp) =>
            EvaluateAsync<string>("offer => window.kvsPeer.answerWithFakeCamera(offer)", offerSdp);

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
            try
            {
                await browser.CloseAsync().WaitAsync(InteropTimeouts.Launch).ConfigureAwait(false);
            }
            finally
            {
                // Disposing the driver also ends the browser it started if closing did not.
                playwright.Dispose();
                DeleteQuietly(userDataDirectory);
            }
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

        private static void DeleteQuietly(string directory)
        {
            // Chromium's helper processes may still be flushing the profile for a moment after close; a leftover temp
            // directory is not worth failing a test for.
            for (int attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
                    return;
                }
                catch (IOException)
                {
                    Thread.Sleep(200);
                }
                catch (UnauthorizedAccessException)
                {
                    Thread.Sleep(200);
                }
            }
        }
    }
}
