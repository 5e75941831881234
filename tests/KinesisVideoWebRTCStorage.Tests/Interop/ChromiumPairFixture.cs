using System.Threading.Tasks;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Two Chromium peers launched side by side (launching takes about 2 s each) and the receiver's offer, shared by the
    /// tests of <see cref="ChromiumHarnessTests"/>: one reads the offer, the other completes the call with it.
    /// </summary>
    public sealed class ChromiumPairFixture : IAsyncLifetime
    {
        public ChromiumPeer Receiver { get; private set; } = null!;
        public ChromiumPeer Sender { get; private set; } = null!;
        public string ReceiveOffer { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var receiver = ChromiumPeer.LaunchAsync();
            var sender = ChromiumPeer.LaunchAsync();
            // Both launches are awaited, even when one fails, so that DisposeAsync can close whichever did start.
            try
            {
                await Task.WhenAll(receiver, sender);
            }
            finally
            {
                if (receiver.IsCompletedSuccessfully) Receiver = receiver.Result;
                if (sender.IsCompletedSuccessfully) Sender = sender.Result;
            }
            ReceiveOffer = await Receiver.CreateReceiveOfferAsync();
            SdpCapture.Save("chromium156-recvonly-offer.sdp", ReceiveOffer);
        }

        public async Task DisposeAsync()
        {
            if (Receiver != null) await Receiver.DisposeAsync();
            if (Sender != null) await Sender.DisposeAsync();
        }
    }
}
