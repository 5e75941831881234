using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.PeerConnection
{
    /// <summary>
    /// Our offerer (the storage side) and our answerer (the ingest side) on loopback: the descriptions and trickled
    /// candidates cross as strings, media crosses as SRTP, and what the receiver rebuilds is compared with what was sent.
    /// </summary>
    public class RtcPeerConnectionTests
    {
        private static async Task WaitForAsync(Func<bool> condition, TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
        }

        [Theory]
        [InlineData(SdpSetup.Active)]
        [InlineData(SdpSetup.Passive)]
        public async Task TheAnswererStreamsH264AndOpusThatTheOffererRebuildsFrameForFrame(SdpSetup answerSetup)
        {
            using var call = new LoopbackCall(LoopbackCall.Configuration(answerSetup));
            await call.ConnectAsync();
            Assert.Equal(RtcPeerConnectionState.Connected, call.Ingest.ConnectionState);
            Assert.Equal(answerSetup == SdpSetup.Active ? "Client" : "Server", call.Ingest.GetStats().DtlsRole);
            Assert.Equal(answerSetup == SdpSetup.Active ? "Server" : "Client", call.Storage.GetStats().DtlsRole);

            var sent = await call.SendTestPatternAsync();
            await WaitForAsync(() => call.VideoIn.FramesReceived >= sent.Video && call.AudioIn.FramesReceived >= sent.Audio - 1, TimeSpan.FromSeconds(10));
            var stats = call.Storage.GetStats();
            call.Ingest.Close("done");
            await WaitForAsync(() => call.Received.Count(f => f.Kind == MediaTrackKind.Audio) >= sent.Audio, TimeSpan.FromSeconds(5));

            var video = call.Received.Where(f => f.Kind == MediaTrackKind.Video).ToList();
            var audio = call.Received.Where(f => f.Kind == MediaTrackKind.Audio).ToList();
            Assert.Equal(sent.Video, video.Count);
            Assert.Equal(sent.Audio, audio.Count);
            Assert.True(video[0].Key, "the first video frame is the IDR");
            // Every frame is what the test pattern holds, byte for byte (SPS/PPS repeated before IDRs are in the source too).
            using var source = await TestPattern.OpenAsync(1);
            int v = 0;
            while (await source.ReadFrameAsync() is { } frame)
                if (frame.Kind == MediaTrackKind.Video) Assert.Equal(frame.Payload.ToArray(), video[v++].Payload);
            // Timestamps advance at the media rate: 60 frames at 30 fps span 59/30 s.
            Assert.Equal(59.0 / 30, (video[^1].Timestamp - video[0].Timestamp).TotalSeconds, 3);
            Assert.Equal(0, stats.Transport.SrtpAuthenticationFailures);
            Assert.Contains("host 127.0.0.1", stats.SelectedCandidatePair);
        }

        [Fact]
        public async Task TheSenderMeasuresTheRoundTripTimeAndTheReceiverReportsRealJitter()
        {
            using var call = new LoopbackCall(LoopbackCall.Configuration());
            await call.ConnectAsync();
            await call.SendTestPatternAsync(passes: 2);
            // The sender's SR, the receiver's RR echoing it (LSR, DLSR), and the RTT computed from that come within a few report intervals.
            RtcOutboundRtpStats Video() => call.Ingest.GetStats().Outbound.Single(s => s.Kind == MediaTrackKind.Video);
            await WaitForAsync(() => Video().RoundTripTime != null && Video().RemoteJitter > TimeSpan.Zero, TimeSpan.FromSeconds(15));

            var video = Video();
            Assert.NotNull(video.RoundTripTime);
            Assert.InRange(video.RoundTripTime!.Value, TimeSpan.Zero, TimeSpan.FromMilliseconds(500)); // loopback
            // The pattern is sent faster than real time, so its packets' spacing differs from their timestamps'.
            Assert.True(video.RemoteJitter > TimeSpan.Zero, $"jitter {video.RemoteJitter}");
        }

        /// <summary>
        /// The receiving side (the emulator's storage peer) sends REMB, like libwebrtc, only to a sender that cannot
        /// estimate for itself: without transport-cc the sender learns the receiver's estimate; with it, none comes.
        /// </summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task TheReceiverSendsRembOnlyToASenderWithoutTransportWideFeedback(bool senderHasCongestionControl)
        {
            var config = LoopbackCall.Configuration();
            config.CongestionControl = senderHasCongestionControl;
            using var call = new LoopbackCall(config);
            await call.ConnectAsync();
            Assert.Equal(senderHasCongestionControl, call.Ingest.LocalDescription!.Contains("transport-cc"));
            await call.SendTestPatternAsync(passes: 2);
            RtcOutboundRtpStats Video() => call.Ingest.GetStats().Outbound.Single(s => s.Kind == MediaTrackKind.Video);
            await WaitForAsync(() => Video().EstimatedBitrate != null || senderHasCongestionControl && Video().RoundTripTime != null, TimeSpan.FromSeconds(15));
            await Task.Delay(RembInterceptor.Interval + TimeSpan.FromMilliseconds(200)); // room for one more, which must not come

            if (senderHasCongestionControl) Assert.Null(Video().EstimatedBitrate);
            else Assert.True(Video().EstimatedBitrate >= 10_000_000, $"REMB {Video().EstimatedBitrate}: a loopback link caps nothing");
        }

        [Fact]
        public async Task WithFivePercentLossNacksRecoverTheVideo()
        {
            using var call = new LoopbackCall(LoopbackCall.Configuration(loss: 0.05));
            await call.ConnectAsync();
            var sent = await call.SendTestPatternAsync(passes: 2);
            await WaitForAsync(() => call.VideoIn.FramesReceived >= sent.Video * 0.97, TimeSpan.FromSeconds(10));

            var outbound = call.Ingest.GetStats().Outbound.Single(s => s.Kind == MediaTrackKind.Video);
            var inbound = call.Storage.GetStats().Inbound.Single(s => s.Kind == MediaTrackKind.Video);
            Assert.True(call.Ingest.GetStats().Transport.InjectedLossDropped > 10);
            Assert.True(outbound.NacksReceived > 0 && outbound.RetransmittedPackets > 0, $"NACKs {outbound.NacksReceived}, resent {outbound.RetransmittedPackets}");
            Assert.True(inbound.NacksSent > 0);
            Assert.True(call.VideoIn.FramesReceived >= sent.Video * 0.85, $"{call.VideoIn.FramesReceived} of {sent.Video} frames rebuilt");
        }

        [Fact]
        public async Task AWrongFingerprintFailsTheConnectionWithAClearReason()
        {
            // The first byte changed, whatever it was (a fixed replacement left one fingerprint in 256 as it was).
            using var call = new LoopbackCall(LoopbackCall.Configuration(), sdp => System.Text.RegularExpressions.Regex.Replace(sdp, "a=fingerprint:sha-256 ([0-9A-F]{2})",
                m => "a=fingerprint:sha-256 " + (m.Groups[1].Value == "00" ? "01" : "00")));
            var error = await Assert.ThrowsAsync<RtcConnectionFailedException>(() => call.Storage.WaitConnectedAsync());
            Assert.Contains("fingerprint", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(RtcPeerConnectionState.Failed, call.Storage.ConnectionState);
            Assert.Equal(0, call.VideoIn.PacketsReceived);
        }

        [Fact]
        public async Task ClosingSaysByeAndTheReceiverSeesTheStreamEnd()
        {
            using var call = new LoopbackCall(LoopbackCall.Configuration());
            await call.ConnectAsync();
            var ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            call.VideoIn.Ended += _ => ended.TrySetResult(true);
            var closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            call.Storage.ConnectionStateChanged += s => { if (s == RtcPeerConnectionState.Closed) closed.TrySetResult(true); };
            await call.SendTestPatternAsync();
            call.Ingest.Close("done");
            await ended.Task.WaitAsync(TimeSpan.FromSeconds(5));
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Contains("close_notify", call.Storage.FailureReason);
            Assert.False(call.VideoOut.SendFrame(new byte[] { 0, 0, 0, 1, 0x65 }, TimeSpan.Zero));
        }

        [Fact]
        public void DescriptionsOutOfOrderAreRefused()
        {
            using var pc = new RtcPeerConnection(LoopbackCall.Configuration());
            pc.AddTrack(MediaTrackKind.Video);
            Assert.Throws<InvalidOperationException>(() => pc.CreateAnswer());
            Assert.Throws<SdpFormatException>(() => pc.SetRemoteDescription(new RtcSessionDescription(RtcSdpType.Offer, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n")));
            using var empty = new RtcPeerConnection(LoopbackCall.Configuration());
            Assert.Throws<InvalidOperationException>(() => empty.CreateOffer());
        }

        private static string SectionDirection(string sdp, string media) =>
            SdpSessionDescription.Parse(sdp).Media.Single(m => m.Media == media).Direction.ToString();

        [Fact]
        public async Task TwoWayAudioFlowsBothWaysWhenTheOfferSendsAudioAndTheAnswererListens()
        {
            // The storage session of a multi-way call: it receives the master's video and audio and sends it audio.
            using var storage = new RtcPeerConnection(LoopbackCall.Configuration());
            using var master = new RtcPeerConnection(LoopbackCall.Configuration());
            var videoIn = storage.AddReceiver(MediaTrackKind.Video);
            var audioIn = storage.AddReceiver(MediaTrackKind.Audio);
            var audioToMaster = storage.AddTrack(MediaTrackKind.Audio);
            var videoOut = master.AddTrack(MediaTrackKind.Video);
            var audioOut = master.AddTrack(MediaTrackKind.Audio);
            var heard = master.AddReceiver(MediaTrackKind.Audio);
            var heardFrames = new ConcurrentQueue<byte[]>();
            var storageAudio = new ConcurrentQueue<byte[]>();
            heard.FrameReceived += (_, payload, _, _) => heardFrames.Enqueue(payload.ToArray());
            audioIn.FrameReceived += (_, payload, _, _) => storageAudio.Enqueue(payload.ToArray());
            storage.IceCandidate += c => master.AddIceCandidate(c);
            master.IceCandidate += c => storage.AddIceCandidate(c);

            var offer = storage.CreateOffer();
            Assert.Equal("RecvOnly", SectionDirection(offer.Sdp, "video"));
            Assert.Equal("SendRecv", SectionDirection(offer.Sdp, "audio"));
            storage.SetLocalDescription(offer);
            master.SetRemoteDescription(offer);
            var answer = master.CreateAnswer();
            Assert.Equal("SendOnly", SectionDirection(answer.Sdp, "video"));
            Assert.Equal("SendRecv", SectionDirection(answer.Sdp, "audio"));
            master.SetLocalDescription(answer);
            storage.SetRemoteDescription(answer);
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                await Task.WhenAll(storage.WaitConnectedAsync(timeout.Token), master.WaitConnectedAsync(timeout.Token));

            var sentAudio = new System.Collections.Generic.List<byte[]>();
            using (var source = await TestPattern.OpenAsync(1))
            {
                while (await source.ReadFrameAsync() is { } frame)
                {
                    if (frame.Kind == MediaTrackKind.Video)
                    {
                        Assert.True(videoOut.SendFrame(frame.Payload.Span, frame.Timestamp));
                        continue;
                    }
                    // Both sides speak the same audio at once.
                    Assert.True(audioToMaster.SendFrame(frame.Payload.Span, frame.Timestamp));
                    Assert.True(audioOut.SendFrame(frame.Payload.Span, frame.Timestamp));
                    sentAudio.Add(frame.Payload.ToArray());
                    if (sentAudio.Count % 8 == 0) await Task.Delay(2);
                }
            }
            await WaitForAsync(() => heardFrames.Count >= sentAudio.Count && storageAudio.Count >= sentAudio.Count - 1, TimeSpan.FromSeconds(10));
            Assert.Equal(sentAudio, heardFrames.ToList());
            Assert.InRange(storageAudio.Count, sentAudio.Count - 1, sentAudio.Count);
            Assert.True(videoIn.FramesReceived > 0);
            Assert.Equal(heard.PayloadTypes, new[] { SdpOfferBuilder.OpusPayloadType });
        }

        [Fact]
        public void AnAnswererThatListensStillAnswersSendonlyToAStorageSessionThatOnlyReceives()
        {
            using var storage = new RtcPeerConnection(LoopbackCall.Configuration());
            using var master = new RtcPeerConnection(LoopbackCall.Configuration());
            storage.AddReceiver(MediaTrackKind.Video);
            storage.AddReceiver(MediaTrackKind.Audio);
            master.AddTrack(MediaTrackKind.Video);
            master.AddTrack(MediaTrackKind.Audio);
            var heard = master.AddReceiver(MediaTrackKind.Audio);
            var offer = storage.CreateOffer();
            Assert.Equal("RecvOnly", SectionDirection(offer.Sdp, "audio"));
            master.SetRemoteDescription(offer);
            var answer = master.CreateAnswer();
            Assert.Equal("SendOnly", SectionDirection(answer.Sdp, "audio"));
            Assert.Null(heard.Mid);
        }
    }
}
