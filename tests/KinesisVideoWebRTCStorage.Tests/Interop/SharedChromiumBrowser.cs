using System;
using System.Threading.Tasks;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// One Chromium for every test of the Interop collection that asks for a page, launched by the first that does (so
    /// a run of only the GStreamer tests never starts it) and closed when the collection ends. Safe to share because
    /// the collection runs one test at a time and each test's call lives in its own page.
    /// </summary>
    public sealed class SharedChromiumBrowser : IAsyncLifetime
    {
        private readonly Lazy<Task<ChromiumBrowser>> browser = new Lazy<Task<ChromiumBrowser>>(() => ChromiumBrowser.LaunchAsync());

        /// <summary>A fresh page (one RTCPeerConnection) in the shared browser; dispose it at the end of the test.</summary>
        public async Task<ChromiumPeer> OpenPeerAsync() => await (await browser.Value.ConfigureAwait(false)).OpenPeerAsync().ConfigureAwait(false);

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (!browser.IsValueCreated) return;
            ChromiumBrowser launched;
            try
            {
                launched = await browser.Value.ConfigureAwait(false);
            }
            catch (Exception)
            {
                return; // the launch failed and the test that asked for it reported why
            }
            await launched.DisposeAsync().ConfigureAwait(false);
        }
    }
}
