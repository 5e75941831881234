using System.IO;
using KinesisVideoWebRTCStorage.Media.H264;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Tests.Fuzz;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.Matroska
{
    public class MatroskaHostileInputTests
    {
        [Fact]
        public void DemuxerOnlyThrowsTypedErrorsOnMutatedFiles()
        {
            var seeds = MediaCorpus.Load("matroska");
            int rejected = HostileInput.Run(seeds, 100_000, 99, input =>
            {
                using var demuxer = MatroskaDemuxer.OpenAsync(new MemoryStream(input)).GetAwaiter().GetResult();
                while (demuxer.ReadFrameAsync().GetAwaiter().GetResult() != null)
                {
                }
            }, e => e is MatroskaFormatException || e is H264FormatException, Ogg.OggHostileInputTests.StreamParserAllocationBound);
            Assert.InRange(rejected, 1_000, 99_000);
        }
    }
}
