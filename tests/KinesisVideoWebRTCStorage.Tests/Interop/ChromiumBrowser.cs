using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Playwright;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// One headless Chromium process with a fresh profile (deleted on dispose) that can host several
    /// <see cref="ChromiumPeer"/> pages, one after another or side by side. Launching takes about 2 s, so tests that run
    /// one call each share a browser and open a page per call; each page has its own RTCPeerConnection and closing it
    /// ends that connection, so nothing of one call leaks into the next.
    /// </summary>
    public sealed class ChromiumBrowser : IAsyncDisposable
    {
        public const string ExecutablePath = "/usr/bin/chromium";

        /// <summary>The fake microphone plays a sine of this frequency, so what Chromium says can be recognised in a recording.</summary>
        public const int MicrophoneToneHz = 880;

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
            // The page's origin is served by Playwright's router, not from an address; Local Network Access would
            // then block its signaling WebSocket to the emulator on 127.0.0.1.
            "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests",
        };

        private readonly IPlaywright playwright;
        private readonly IBrowserContext context;
        private readonly string userDataDirectory;
        private int firstPageTaken;

        private ChromiumBrowser(IPlaywright playwright, IBrowserContext context, string userDataDirectory)
        {
            this.playwright = playwright;
            this.context = context;
            this.userDataDirectory = userDataDirectory;
        }

        public static async Task<ChromiumBrowser> LaunchAsync(CancellationToken cancellationToken = default)
        {
            // CI installs Chromium (.ci/run); a machine without it must fail these tests, not pass them vacuously.
            if (!File.Exists(ExecutablePath))
                throw new InvalidOperationException($"Chromium is not installed at {ExecutablePath}; install the Debian package 'chromium' (see .ci/run).");

            string userDataDirectory = Directory.CreateTempSubdirectory("kvs-chromium-").FullName;
            IPlaywright? playwright = null;
            try
            {
                playwright = await Playwright.CreateAsync().WaitAsync(InteropTimeouts.Launch, cancellationToken).ConfigureAwait(false);
                // A persistent context is Playwright's way to give Chromium a --user-data-dir of our choosing.
                var context = await playwright.Chromium.LaunchPersistentContextAsync(userDataDirectory, new BrowserTypeLaunchPersistentContextOptions
                {
                    ExecutablePath = ExecutablePath,
                    Headless = true,
                    Args = Flags.Concat(new[] { "--use-file-for-fake-audio-capture=" + MicrophoneTone(userDataDirectory) }),
                    Timeout = (float)InteropTimeouts.Launch.TotalMilliseconds,
                }).WaitAsync(cancellationToken).ConfigureAwait(false);
                return new ChromiumBrowser(playwright, context, userDataDirectory);
            }
            catch
            {
                playwright?.Dispose();
                DeleteQuietly(userDataDirectory);
                throw;
            }
        }

        /// <summary>A WAV file of the microphone's tone, which Chromium loops.</summary>
        private static string MicrophoneTone(string directory)
        {
            string path = Path.Combine(directory, "microphone.wav");
            Media.MediaTools.Ffmpeg($"-f lavfi -i sine=frequency={MicrophoneToneHz}:sample_rate=48000 -t 5 -ac 1 -c:a pcm_s16le \"{path}\"");
            return path;
        }

        /// <summary>A new page ready for one call; disposing the peer closes the page and leaves the browser running.</summary>
        public async Task<ChromiumPeer> OpenPeerAsync(CancellationToken cancellationToken = default)
        {
            // The blank page the browser starts with serves the first peer; later peers get pages of their own.
            IPage page = Interlocked.Exchange(ref firstPageTaken, 1) == 0 && context.Pages.Count > 0
                ? context.Pages[0]
                : await context.NewPageAsync().WaitAsync(InteropTimeouts.Launch, cancellationToken).ConfigureAwait(false);
            try
            {
                return await ChromiumPeer.OpenAsync(page, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await page.CloseAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await context.CloseAsync().WaitAsync(InteropTimeouts.Launch).ConfigureAwait(false);
            }
            finally
            {
                // Disposing the driver also ends the browser it started if closing did not.
                playwright.Dispose();
                DeleteQuietly(userDataDirectory);
            }
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
