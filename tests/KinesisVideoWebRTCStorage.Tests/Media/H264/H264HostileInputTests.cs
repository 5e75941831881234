using System.IO;
using KinesisVideoWebRTCStorage.Media.H264;
using KinesisVideoWebRTCStorage.Tests.Fuzz;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.H264
{
    public class H264HostileInputTests
    {
        [Fact]
        public void AnnexBReaderOnlyThrowsTypedErrorsOnMutatedStreams()
        {
            var seeds = MediaCorpus.Load("annexb");
            int rejected = HostileInput.Run(seeds, 100_000, 4242, input =>
            {
                using var source = H264AnnexBSource.OpenAsync(new MemoryStream(input), 30).GetAwaiter().GetResult();
                while (source.ReadFrameAsync().GetAwaiter().GetResult() != null)
                {
                }
            }, e => e is H264FormatException, Ogg.OggHostileInputTests.StreamParserAllocationBound);
            // Most mutations still parse (garbage in slices is not the reader's business); some must be refused.
            Assert.InRange(rejected, 1_000, 99_000);
        }

        [Fact]
        public void SpsAndAvcCParsersOnlyThrowTypedErrors()
        {
            var sps = new System.Collections.Generic.List<byte[]>();
            foreach (var seed in MediaCorpus.Load("annexb"))
            {
                System.ReadOnlySpan<byte> data = seed;
                while (AnnexB.TryReadNal(ref data, out var nal))
                {
                    if (NalUnitType.Of(nal[0]) == NalUnitType.Sps) sps.Add(nal.ToArray());
                }
            }
            Assert.NotEmpty(sps);
            int rejected = HostileInput.Run(sps, 100_000, 7, input => H264Sps.Parse(input), e => e is H264FormatException, length => 16 * 1024 + 8L * length);
            Assert.InRange(rejected, 1_000, 99_000);

            var avcC = sps.ConvertAll(s => AvcDecoderConfigurationRecord.Build(s, new byte[] { 0x68, 0xCE, 0x38, 0x80 }));
            rejected = HostileInput.Run(avcC, 100_000, 8, input => AvcDecoderConfigurationRecord.Parse(input), e => e is H264FormatException, length => 16 * 1024 + 8L * length);
            Assert.InRange(rejected, 1_000, 99_000);
        }
    }
}
