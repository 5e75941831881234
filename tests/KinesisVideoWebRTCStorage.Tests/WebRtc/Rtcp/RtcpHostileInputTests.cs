using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.Tests.Fuzz;
using KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Interceptor;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtcp
{
    public class RtcpHostileInputTests
    {
        [Fact]
        public void CompoundParserSurvivesSeededMutations()
        {
            var seeds = SeedCorpus.Load("rtcp");
            foreach (var seed in seeds) Assert.NotEmpty(RtcpCompoundPacket.Parse(seed));
            int parsed = 0;
            int rejected = HostileInput.Run(seeds, 100_000, 3551, input =>
            {
                var packets = RtcpCompoundPacket.Parse(input);
                // Whatever parses must serialize again: a parsed object never holds a state its writer rejects.
                RtcpCompoundPacket.ToArray(packets);
                parsed++;
            }, e => e is RtcpFormatException,
            // Objects per packet are proportional to its bytes; the constant covers the exception of a rejection.
            length => 16_384 + 64L * length);
            Assert.True(rejected > 1000, $"only {rejected} rejected");
            Assert.True(parsed > 1000, $"only {parsed} parsed");
        }

        [Fact]
        public void TransportFeedbackSurvivesSeededMutations()
        {
            // Feedback of several shapes, so mutations reach every chunk kind and delta size.
            var seeds = new List<byte[]> { SeedCorpus.Load("rtcp", "twcc") };
            var random = new Random(205);
            foreach (double loss in new[] { 0.0, 0.1, 0.6 })
            {
                var arrivals = new long[300];
                long time = 1_000_000;
                for (int i = 0; i < arrivals.Length; i++)
                {
                    time += random.Next(-2_000, 70_000);
                    arrivals[i] = i > 0 && random.NextDouble() < loss ? -1 : time;
                }
                seeds.Add(TransportLayerCc.Create(1, 2, 3, 65500, arrivals).ToArray());
            }
            int parsed = 0;
            int rejected = HostileInput.Run(seeds, 50_000, 8888, input =>
            {
                var packets = RtcpCompoundPacket.Parse(input);
                foreach (var packet in packets)
                {
                    if (!(packet is TransportLayerCc feedback)) continue;
                    // Every status decodes, by enumeration and by index, without leaving the packet's own arrays.
                    foreach (var result in feedback.Packets) _ = result.ArrivalMicroseconds;
                    _ = feedback.Packets[feedback.PacketStatusCount - 1];
                    parsed++;
                }
                // What is written again reads back and writes the same bytes.
                var written = RtcpCompoundPacket.ToArray(packets);
                if (!written.AsSpan().SequenceEqual(RtcpCompoundPacket.ToArray(RtcpCompoundPacket.Parse(written))))
                    throw new InvalidOperationException("feedback changed on its second trip");
            }, e => e is RtcpFormatException,
            length => 16_384 + 64L * length);
            Assert.True(rejected > 1000, $"only {rejected} rejected");
            Assert.True(parsed > 1000, $"only {parsed} parsed");
        }

        [Fact]
        public void SenderInterceptorsDropMutationsWithoutThrowing()
        {
            var sink = new CountingSink();
            var reports = new SenderReportInterceptor();
            var responder = new NackResponderInterceptor(new object(), sink, reports.RoundTripTime);
            var keyframes = new KeyframeRequestInterceptor();
            var remb = new RembInterceptor();
            var congestion = new CongestionControlInterceptor(new SendSideBandwidthEstimator(1_000_000, 100_000, 5_000_000), new TransportSequenceInterceptor(), reports);
            var chain = new InterceptorChain(new RtpInterceptor[] { reports, responder, keyframes, remb, congestion });
            chain.BindLocalStream(new RtpStreamInfo(MediaTrackKind.Video, 0x1111, 90000, Array.Empty<SdpExtmap>(), Array.Empty<SdpRtcpFeedback>()));
            var packet = new byte[100];
            for (int s = 0; s < 64; s++)
            {
                RtpPacket.Write(packet, new RtpHeader(96, (ushort)(65500 + s), 0, 0x1111), new byte[50]);
                chain.OnRtpSending(packet, TimeSpan.Zero);
            }
            int rejected = HostileInput.Run(SeedCorpus.Load("rtcp"), 100_000, 4585,
                input => chain.OnRtcpReceived(RtcpCompoundPacket.Parse(input), TimeSpan.Zero), e => e is RtcpFormatException, length => 16_384 + 64L * length);
            Assert.True(rejected > 1000, $"only {rejected} rejected");
            Assert.True(sink.Count > 0 && sink.Count == responder.History(0x1111)!.Retransmitted);
            Assert.True(keyframes.Requests(0x1111) > 1000);
        }
    }
}
