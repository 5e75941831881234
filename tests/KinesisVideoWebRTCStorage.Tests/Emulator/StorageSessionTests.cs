using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Signaling;
using KinesisVideoWebRTCStorage.Tests.Ingest;
using KinesisVideoWebRTCStorage.WebRtc;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Emulator
{
    /// <summary>The emulator's storage peer as a master sees it over the wire.</summary>
    public class StorageSessionTests
    {
        [Fact]
        public async Task TheOfferComesWithoutSenderClientIdAndASilentMasterEndsTheSessionWithAReason()
        {
            await using var harness = await IngestHarness.StartAsync(configure: o => o.StorageMediaTimeout = TimeSpan.FromSeconds(1));
            using var signaling = await harness.Emulator.MasterAsync(harness.ChannelArn);
            await harness.Emulator.Connect().Storage(harness.Emulator.Server.EndpointUrl).JoinStorageSessionAsync(harness.ChannelArn);

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            ServiceMessage offer;
            do offer = (await signaling.ReceiveAsync(timeout.Token))!;
            while (offer.MessageType != SignalingMessageType.SDP_OFFER);
            Assert.Null(offer.SenderClientId);
            var sdp = SignalingCodec.DecodeSessionDescription(offer.MessagePayload!).Sdp;
            Assert.Contains("a=recvonly", sdp);
            Assert.Contains("H264/90000", sdp);
            Assert.Contains("opus/48000/2", sdp);

            // Answer and connect, but send no media.
            var (pc, answer) = IngestHarness.AnswerStorageOffer(sdp);
            using var _ = pc;
            await signaling.SendAsync(new ClientMessage(SignalingMessageType.SDP_ANSWER,
                SignalingCodec.EncodeSessionDescription(new SessionDescriptionPayload("answer", answer.Sdp))), timeout.Token);
            await pc.WaitConnectedAsync(timeout.Token);

            var session = Assert.Single(await harness.EndedSessionsAsync());
            Assert.Equal("no media arrived within 1 s of connecting; a storage session needs both an H.264 video track and an Opus audio track", session.EndReason);
            Assert.False(session.Recorded);
            Assert.Contains(harness.Log, line => line.Contains("ended: no media arrived"));
        }

        [Fact]
        public async Task CandidatesSentBeforeTheOfferAreKeptByTheMaster()
        {
            await using var harness = await IngestHarness.StartAsync(configure: o => o.CandidatesBeforeOffer = true);
            var result = await harness.RunAsync(harness.Options(TimeSpan.FromSeconds(2)));
            Assert.Equal(IngestEndReason.DurationReached, result.EndReason);
            var session = Assert.Single(await harness.EndedSessionsAsync());
            Assert.True(session.VideoFramesRecorded >= 0.95 * 60);
        }
    }
}
