using System;
using KinesisVideoWebRTCStorage.Tests.Fuzz;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp
{
    public class RtpHostileInputTests
    {
        [Fact]
        public void ParserSurvivesSeededMutations()
        {
            var seeds = SeedCorpus.Load("rtp");
            foreach (var seed in seeds) RtpPacket.Parse(seed); // the corpus itself is valid
            int parsed = 0;
            int rejected = HostileInput.Run(seeds, 100_000, 3550, input =>
            {
                var packet = RtpPacket.Parse(input);
                packet.TryGetExtension(1, out _);
                packet.TryGetExtension(200, out _);
                for (int i = 0; i < packet.CsrcCount; i++) packet.GetCsrc(i);
                parsed++;
            }, e => e is RtpFormatException, _ => 16_384); // a rejection allocates only its exception
            Assert.True(rejected > 1000, $"only {rejected} rejected");
            Assert.True(parsed > 1000, $"only {parsed} parsed");
        }
    }
}
