using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Our stack in the ingest role against an independent peer: an <see cref="RtcPeerConnection"/> with a video and an
    /// audio track answers the peer's offer (to receive, or with two-way audio), candidates trickle both ways through the test, and
    /// <see cref="ConnectAsync"/> returns once ICE and DTLS are up and media can be sent.
    /// </summary>
    internal sealed class SendingAnswerer : IDisposable
    {
        private readonly RecentTrace trace = new RecentTrace();
        private readonly Channel<TrickledCandidate> localCandidates = Channel.CreateUnbounded<TrickledCandidate>();

        private SendingAnswerer(RtcConfiguration configuration, bool listen)
        {
            configuration.Trace = trace.Add;
            Connection = new RtcPeerConnection(configuration);
            Video = Connection.AddTrack(MediaTrackKind.Video);
            Audio = Connection.AddTrack(MediaTrackKind.Audio);
            if (listen) Heard = Connection.AddReceiver(MediaTrackKind.Audio);
            Connection.IceCandidate += candidate =>
            {
                // The empty end-of-candidates entry is passed on too: Chromium takes it as such, GStreamer ignores it.
                localCandidates.Writer.TryWrite(new TrickledCandidate(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex));
                if (candidate.IsEndOfCandidates) localCandidates.Writer.TryComplete();
            };
        }

        public RtcPeerConnection Connection { get; }
        public RtcRtpSender Video { get; }
        public RtcRtpSender Audio { get; }

        /// <summary>The audio the peer sends us when its offer has two-way audio, as a master with viewers hears them.</summary>
        public RtcRtpReceiver? Heard { get; }

        /// <summary>The answer we gave, for assertions and failure messages.</summary>
        public string? Answer { get; private set; }

        /// <summary>Our connection's recent trace lines (states, DTLS role, failures), oldest first.</summary>
        public string Trace => trace.ToString();

        /// <param name="createOffer">The peer's offer; its receive offer when null. Given, we also listen for audio.</param>
        public static async Task<SendingAnswerer> ConnectAsync(IInteropPeer offerer, RtcConfiguration configuration, Func<Task<string>>? createOffer = null)
        {
            var ours = new SendingAnswerer(configuration, listen: createOffer != null);
            try
            {
                await ours.AnswerAsync(offerer, createOffer ?? offerer.CreateReceiveOfferAsync).ConfigureAwait(false);
                return ours;
            }
            catch
            {
                ours.Dispose();
                throw;
            }
        }

        private async Task AnswerAsync(IInteropPeer offerer, Func<Task<string>> createOffer)
        {
            string offer = await createOffer().ConfigureAwait(false);
            Connection.SetRemoteDescription(new RtcSessionDescription(RtcSdpType.Offer, offer));
            var answer = Connection.CreateAnswer();
            Connection.SetLocalDescription(answer);
            Answer = answer.Sdp;
            await offerer.SetRemoteAnswerAsync(answer.Sdp).ConfigureAwait(false);

            // Ours go out only now: a peer refuses candidates that arrive before the description they belong to.
            _ = CandidateRelay.ForwardAsync(localCandidates.Reader, c => offerer.AddRemoteCandidateAsync(c.Candidate, c.Mid, c.MLineIndex));
            _ = CandidateRelay.IntoAsync(offerer.LocalCandidates, Connection);
            await CandidateRelay.WaitConnectedAsync(Connection, "answerer", () => $"Our trace:\n{Trace}\nOur answer:\n{Answer}").ConfigureAwait(false);
        }

        public void Dispose()
        {
            localCandidates.Writer.TryComplete();
            Connection.Dispose();
        }
    }
}
