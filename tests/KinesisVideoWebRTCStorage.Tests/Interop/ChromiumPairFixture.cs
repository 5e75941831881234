using System.Threading.Tasks;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Two Chromium peers, two pages of one browser (launching takes about 2 s), and the receiver's offer, shared by
    /// the tests of <see cref="ChromiumHarnessTests"/>: one reads the offer, the other completes the call with it.
    /// </summary>
    public sealed class ChromiumPairFixture : IAsyncLifetime
    {
        private ChromiumBrowser? browser;

        public ChromiumPeer Receiver { get; private set; } = null!;
        public ChromiumPeer Sender { get; private set; } = null!;
        public string ReceiveOffer { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            browser = await ChromiumBrowser.LaunchAsync();
            Receiver = await browser.OpenPeerAsync();
            Sender = await browser.OpenPeerAsync();
            ReceiveOffer = await Receiver.CreateReceiveOfferAsync();
            SdpCapture.Save("chromium156-recvonly-offer.sdp", ReceiveOffer);
        }

        public async Task DisposeAsync()
        {
            // Closing the browser closes both pages.
            if (browser != null) await browser.DisposeAsync();
        }
    }
}
