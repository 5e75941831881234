using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Tests.Ingest;
using KinesisVideoWebRTCStorage.Tests.Media;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using Xunit;
using Xunit.Abstractions;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Congestion control judged by a receiver we did not write: Chromium (real libwebrtc) receives a 3 Mbit/s H.264
    /// file from us through a real tc tbf token bucket of 1.5 Mbit/s (<see cref="LoopbackUdpCap"/>), its transport-wide
    /// feedback is all our estimator learns the link from, and the estimate must come to within 30 % of the cap.
    /// Skipped, with the reason, where the cap cannot be made (not root, no tc).
    /// </summary>
    [Collection(InteropCollection.Name)]
    [Trait("Category", "Interop")]
    public sealed class ChromiumFeedbackFindsACappedLinkTests
    {
        private const int CapKbit = 1500;
        private static readonly TimeSpan Sending = TimeSpan.FromSeconds(16);
        private static readonly TimeSpan Judged = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);

        private readonly SharedChromiumBrowser browser;
        private readonly ITestOutputHelper output;

        public ChromiumFeedbackFindsACappedLinkTests(SharedChromiumBrowser browser, ITestOutputHelper output)
        {
            this.browser = browser;
            this.output = output;
        }

        [NetworkLabFact]
        public async Task OurEstimateFromChromiumsTransportFeedbackFindsA1500KbitTokenBucket()
        {
            string folder = Directory.CreateTempSubdirectory("kvs-chromium-cap-").FullName;
            try
            {
                // Twice the cap, so the estimator has to find it: 720p30 constrained baseline (IDR every 2 s) with Opus.
                // ultrafast encodes it in about 2 s on a loaded 2-core machine; quality is not what is judged.
                string clip = Path.Combine(folder, "clip3m.mkv");
                MediaTools.WriteTestClip(clip, megabitsPerSecond: 3, seconds: (int)Sending.TotalSeconds + 1, preset: "ultrafast");

                await using var chromium = await browser.OpenPeerAsync();
                using var ours = await SendingAnswerer.ConnectAsync(chromium, new RtcConfiguration { LoopbackOnly = true, IncludeIPv6 = false });
                var estimator = ours.Connection.BandwidthEstimator ?? throw new Xunit.Sdk.XunitException("congestion control is off: there is no estimator");
                string pair = ours.Connection.GetStats().SelectedCandidatePair ?? "";
                using var cap = LoopbackUdpCap.Install(SelectedLocalPort(pair), CapKbit);
                output.WriteLine($"{pair}; UDP from port {cap.SourcePort} through {cap.Bucket}");

                var clock = Stopwatch.StartNew();
                using var stopSampling = new CancellationTokenSource();
                var sampling = SampleAsync(estimator, clock, stopSampling.Token);
                var dropper = new CongestionFrameDropper();
                var sent = await SendThinnedAsync(clip, ours, dropper);
                stopSampling.Cancel();
                var samples = await sampling;
                var elapsed = clock.Elapsed;

                var decoded = await StatsPolling.UntilSettledAsync(chromium.GetInboundStatsAsync, s => s.VideoFramesDecoded,
                    s => s.VideoFramesDecoded >= sent.Video, InteropTimeouts.DecodingSettled, InteropTimeouts.Media);
                var bucket = cap.Counters();
                var video = ours.Connection.GetStats().Outbound.Single(s => s.Kind == MediaTrackKind.Video);
                var judged = samples.Where(s => s.At >= elapsed - Judged).Select(s => s.Bitrate).ToList();
                double median = Median(judged);

                output.WriteLine("estimate (kbit/s), one row a second, a sample every 100 ms:");
                foreach (var second in samples.GroupBy(s => (int)s.At.TotalSeconds))
                    output.WriteLine($"  {second.Key,2} s: " + string.Join(" ", second.Select(s => (s.Bitrate / 1000).ToString(CultureInfo.InvariantCulture))));
                output.WriteLine($"median of the last {Judged.TotalSeconds:0} s: {median / 1000:0} kbit/s ({median / (CapKbit * 1000.0):0.00} of the cap); estimator: {estimator}, "
                    + $"{estimator.TransportFeedbacks} transport feedbacks, constrained {estimator.IsConstrained}, minimum {estimator.Minimum / 1000} kbit/s");
                output.WriteLine($"sent {sent} in {elapsed.TotalSeconds:0.0} s, {dropper.Dropped} video frames thinned away; our video: {video.PacketsSent} packets, "
                    + $"{video.RetransmittedPackets} resent for {video.NacksReceived} NACKs, {video.KeyframeRequests} keyframe requests");
                output.WriteLine($"tbf: passed {bucket.Packets} packets ({bucket.Bytes * 8 / elapsed.TotalSeconds / 1000:0} kbit/s), dropped {bucket.Dropped}");
                output.WriteLine($"Chromium: {decoded}");

                Assert.True(bucket.Packets > 0, "none of our packets went through the tbf: the filter missed our connection's port");
                Assert.True(estimator.TransportFeedbacks > 0, $"no transport-wide feedback from Chromium reached the estimator; our answer:\n{ours.Answer}");
                Assert.True(estimator.IsConstrained, $"the estimate never found the link short: {estimator}");
                Assert.True(judged.Count >= Judged / SampleInterval / 2, $"only {judged.Count} samples in the last {Judged.TotalSeconds} s");
                // It settles at 0.71-0.92 of the cap here in 16 runs (no cap: 5.2 Mbit/s, never constrained): below it by
                // design, since each GOP's burst overuses the tbf and the estimate backs off to 0.85 of the capacity the
                // bursts measured. Before a measured burst could raise the estimate, about one run in five stayed at
                // 0.6-0.7 after a deep back-off (thinned media cannot prove a higher rate), and one CI run fell under
                // 0.6. The bar tells a found cap (well under the uncapped 5.2 Mbit/s, well over a collapse) from one
                // that was not found.
                Assert.InRange(median, 0.6 * CapKbit * 1000, 1.3 * CapKbit * 1000);
                Assert.True(decoded.VideoFramesDecoded > 0, $"Chromium decoded no video: {decoded}\n{ours.Trace}");
            }
            finally
            {
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // best effort cleanup of a temp folder
            }
        }

        /// <summary>The local port of "host 127.0.0.1:PORT -> host 127.0.0.1:PORT", the socket our media leaves from.</summary>
        private static int SelectedLocalPort(string selectedPair)
        {
            var match = Regex.Match(selectedPair, @"^\S+ \S+:(\d+) ->");
            if (!match.Success) throw new Xunit.Sdk.XunitException($"no local port in the selected candidate pair '{selectedPair}'");
            return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// Sends the clip in real time as the ingest sends a pre-encoded file: video thinned GOP-aware to the sender's
        /// target bitrate once the link is found short, audio always.
        /// </summary>
        private static async Task<SentFrames> SendThinnedAsync(string clip, SendingAnswerer ours, CongestionFrameDropper dropper)
        {
            int videoFrames = 0, audioFrames = 0;
            using var pacer = new MediaPacer(await MatroskaDemuxer.OpenAsync(File.OpenRead(clip)));
            while (await pacer.ReadFrameAsync() is { } frame && frame.Timestamp < Sending)
            {
                if (frame.Kind == MediaTrackKind.Video)
                {
                    if (dropper.ShouldSend(frame, ours.Video.TargetBitrate) && ours.Video.SendFrame(frame.Payload.Span, frame.Timestamp)) videoFrames++;
                }
                else if (ours.Audio.SendFrame(frame.Payload.Span, frame.Timestamp))
                {
                    audioFrames++;
                }
            }
            return new SentFrames(videoFrames, audioFrames);
        }

        private static async Task<List<(TimeSpan At, long Bitrate)>> SampleAsync(SendSideBandwidthEstimator estimator, Stopwatch clock, CancellationToken stop)
        {
            var samples = new List<(TimeSpan At, long Bitrate)>();
            using var timer = new PeriodicTimer(SampleInterval);
            try
            {
                while (await timer.WaitForNextTickAsync(stop)) samples.Add((clock.Elapsed, estimator.Target));
            }
            catch (OperationCanceledException)
            {
                // sending is over
            }
            return samples;
        }

        private static double Median(IReadOnlyList<long> values)
        {
            if (values.Count == 0) return double.NaN;
            var sorted = values.OrderBy(v => v).ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2.0;
        }
    }
}
