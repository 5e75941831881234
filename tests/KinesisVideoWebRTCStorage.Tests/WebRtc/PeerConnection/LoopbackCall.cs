using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.PeerConnection
{
    /// <summary>
    /// Our offerer (the storage side) and our answerer (the ingest side) on loopback: the descriptions and trickled
    /// candidates cross as strings, as signaling would carry them, and media crosses as SRTP.
    /// </summary>
    internal sealed class LoopbackCall : IDisposable
    {
        public static RtcConfiguration Configuration(SdpSetup answerSetup = SdpSetup.Active, double loss = 0) => new RtcConfiguration
        {
            LoopbackOnly = true,
            IncludeIPv6 = false,
            AnswerSetup = answerSetup,
            InjectedSendLoss = loss,
        };

        public RtcPeerConnection Storage { get; }
        public RtcPeerConnection Ingest { get; }
        public RtcRtpReceiver VideoIn { get; }
        public RtcRtpReceiver AudioIn { get; }
        public RtcRtpSender VideoOut { get; }
        public RtcRtpSender AudioOut { get; }
        public ConcurrentQueue<(MediaTrackKind Kind, byte[] Payload, TimeSpan Timestamp, bool Key)> Received { get; } = new ConcurrentQueue<(MediaTrackKind, byte[], TimeSpan, bool)>();

        public LoopbackCall(RtcConfiguration ingest, Func<string, string>? tamperAnswer = null)
        {
            Storage = new RtcPeerConnection(Configuration());
            Ingest = new RtcPeerConnection(ingest);
            VideoIn = Storage.AddReceiver(MediaTrackKind.Video);
            AudioIn = Storage.AddReceiver(MediaTrackKind.Audio);
            foreach (var receiver in new[] { VideoIn, AudioIn })
                receiver.FrameReceived += (r, payload, timestamp, key) => Received.Enqueue((r.Kind, payload.ToArray(), timestamp, key));
            VideoOut = Ingest.AddTrack(MediaTrackKind.Video);
            AudioOut = Ingest.AddTrack(MediaTrackKind.Audio);
            // Trickle both ways, as signaling would.
            Storage.IceCandidate += c => Ingest.AddIceCandidate(c);
            Ingest.IceCandidate += c => Storage.AddIceCandidate(c);

            var offer = Storage.CreateOffer();
            Storage.SetLocalDescription(offer);
            Ingest.SetRemoteDescription(offer);
            var answer = Ingest.CreateAnswer();
            Ingest.SetLocalDescription(answer);
            Storage.SetRemoteDescription(tamperAnswer == null ? answer : new RtcSessionDescription(RtcSdpType.Answer, tamperAnswer(answer.Sdp)));
        }

        public async Task ConnectAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await Task.WhenAll(Storage.WaitConnectedAsync(timeout.Token), Ingest.WaitConnectedAsync(timeout.Token));
        }

        /// <param name="after">Media time the pattern starts at, so that a second send continues the first.</param>
        public async Task<(int Video, int Audio)> SendTestPatternAsync(int passes = 1, TimeSpan after = default)
        {
            int video = 0, audio = 0;
            using var source = await TestPattern.OpenAsync(passes);
            while (await source.ReadFrameAsync() is { } frame)
            {
                var sender = frame.Kind == MediaTrackKind.Video ? VideoOut : AudioOut;
                Assert.True(sender.SendFrame(frame.Payload.Span, after + frame.Timestamp));
                if (frame.Kind == MediaTrackKind.Video) video++;
                else audio++;
                if ((video + audio) % 8 == 0) await Task.Delay(2); // a burst-free stream, like a paced source, without real-time cost
            }
            return (video, audio);
        }

        public void Dispose()
        {
            Ingest.Dispose();
            Storage.Dispose();
        }
    }
}
