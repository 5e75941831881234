using System.IO;
using KinesisVideoWebRTCStorage.Media.Ogg;
using KinesisVideoWebRTCStorage.Tests.Fuzz;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.Ogg
{
    public class OggHostileInputTests
    {
        [Fact]
        public void OggOpusReaderOnlyThrowsTypedErrorsOnMutatedStreams()
        {
            var seeds = MediaCorpus.Load("ogg");
            static void Parse(byte[] input)
            {
                using var source = OggOpusSource.OpenAsync(new MemoryStream(input)).GetAwaiter().GetResult();
                while (source.ReadFrameAsync().GetAwaiter().GetResult() != null)
                {
                }
            }
            // Warm the shared array pool first: its one-time page buffer is not a per-input cost.
            foreach (var seed in seeds) Parse(seed);
            int rejected = HostileInput.Run(seeds, 100_000, 1234, Parse, e => e is OggFormatException, length => 64 * 1024 + 8L * length);
            // The CRC catches nearly every mutation of page bytes; truncation and junk do the rest.
            Assert.InRange(rejected, 90_000, 100_000);
        }
    }
}
