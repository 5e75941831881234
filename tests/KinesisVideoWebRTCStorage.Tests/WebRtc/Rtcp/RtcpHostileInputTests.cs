using KinesisVideoWebRTCStorage.Tests.Fuzz;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
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
    }
}
