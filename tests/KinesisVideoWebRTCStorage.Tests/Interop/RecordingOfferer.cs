using System;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Our stack in the storage role against Chromium: an <see cref="RtcPeerConnection"/> with a video and an audio
    /// receiver offers, Chromium answers by sending its fake camera and microphone, and every access unit our receiver
    /// rebuilds is appended, as it is, to an Annex-B file that ffmpeg can judge independently. Opus packets are counted.
    /// </summary>
    internal sealed class RecordingOfferer : IDisposable
    {
        private readonly RecentTrace trace = new RecentTrace();
        private readonly Channel<TrickledCandidate> localCandidates = Channel.CreateUnbounded<TrickledCandidate>();
        private readonly object fileLock = new object();
        private readonly FileStream videoFile;
        private long accessUnits, keyFrames, opusPackets;
        private bool stopped;

        private RecordingOfferer(RtcConfiguration configuration, string videoPath)
        {
            configuration.Trace = trace.Add;
            videoFile = new FileStream(videoPath, FileMode.Create, FileAccess.Write);
            Connection = new RtcPeerConnection(configuration);
            Video = Connection.AddReceiver(MediaTrackKind.Video);
            Audio = Connection.AddReceiver(MediaTrackKind.Audio);
            Video.FrameReceived += OnVideo;
            Audio.FrameReceived += (_, _, _, _) => Interlocked.Increment(ref opusPackets);
            Connection.IceCandidate += candidate =>
            {
                localCandidates.Writer.TryWrite(new TrickledCandidate(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex));
                if (candidate.IsEndOfCandidates) localCandidates.Writer.TryComplete();
            };
        }

        public RtcPeerConnection Connection { get; }
        public RtcRtpReceiver Video { get; }
        public RtcRtpReceiver Audio { get; }

        /// <summary>Chromium's answer, for assertions and failure messages.</summary>
        public string? Answer { get; private set; }

        public long AccessUnits => Interlocked.Read(ref accessUnits);
        public long KeyFrames => Interlocked.Read(ref keyFrames);
        public long OpusPackets => Interlocked.Read(ref opusPackets);

        public string Trace => trace.ToString();

        /// <param name="videoPath">The Annex-B file the rebuilt access units go to, created or truncated.</param>
        public static async Task<RecordingOfferer> ConnectAsync(ChromiumPeer chromium, RtcConfiguration configuration, string videoPath)
        {
            var ours = new RecordingOfferer(configuration, videoPath);
            try
            {
                await ours.OfferAsync(chromium).ConfigureAwait(false);
                return ours;
            }
            catch
            {
                ours.Dispose();
                throw;
            }
        }

        private async Task OfferAsync(ChromiumPeer chromium)
        {
            var offer = Connection.CreateOffer();
            Connection.SetLocalDescription(offer);
            Answer = await chromium.AnswerWithFakeCameraAsync(offer.Sdp).ConfigureAwait(false);
            Connection.SetRemoteDescription(new RtcSessionDescription(RtcSdpType.Answer, Answer));

            // Chromium has our offer now, so our candidates may follow; its own arrive only after its answer.
            _ = CandidateRelay.ForwardAsync(localCandidates.Reader, c => chromium.AddRemoteCandidateAsync(c.Candidate, c.Mid, c.MLineIndex));
            _ = CandidateRelay.IntoAsync(chromium.LocalCandidates, Connection);
            await CandidateRelay.WaitConnectedAsync(Connection, "offerer", () => $"Our trace:\n{Trace}\nChromium's answer:\n{Answer}").ConfigureAwait(false);
        }

        private void OnVideo(RtcRtpReceiver receiver, ReadOnlySpan<byte> accessUnit, TimeSpan timestamp, bool isKeyFrame)
        {
            lock (fileLock)
            {
                if (stopped) return;
                videoFile.Write(accessUnit);
                accessUnits++;
                if (isKeyFrame) keyFrames++;
            }
        }

        /// <summary>Closes the connection and the file; what was written stays.</summary>
        public void Dispose()
        {
            localCandidates.Writer.TryComplete();
            Connection.Dispose();
            lock (fileLock)
            {
                stopped = true;
                videoFile.Dispose();
            }
        }
    }
}
