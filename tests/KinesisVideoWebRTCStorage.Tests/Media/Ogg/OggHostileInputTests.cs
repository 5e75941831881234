using System.IO;
using KinesisVideoWebRTCStorage.Media.Ogg;
using KinesisVideoWebRTCStorage.Tests.Fuzz;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.Ogg
{
    public class OggHostileInputTests
    {
        /// <summary>
        /// The fixed pooled buffers (a 64 KB page, read-ahead) may have to be allocated when parallel tests have drained
        /// the shared pool; beyond them, allocation must not grow with what length fields claim.
        /// </summary>
        internal static long StreamParserAllocationBound(int length) => 256 * 1024 + 16L * length;

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
            int rejected = HostileInput.Run(seeds, 100_000, 1234, Parse, e => e is OggFormatException, StreamParserAllocationBound);
            // The CRC catches nearly every mutation of page bytes; truncation and junk do the rest.
            Assert.InRange(rejected, 90_000, 100_000);
        }
    }
}
