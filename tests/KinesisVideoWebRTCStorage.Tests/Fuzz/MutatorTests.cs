using System.Linq;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Fuzz
{
    public class MutatorTests
    {
        [Fact]
        public void SameSeedGivesSameMutations()
        {
            var seeds = new[] { new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 } };
            var first = Mutator.Mutations(seeds, 200, 7).ToList();
            var second = Mutator.Mutations(seeds, 200, 7).ToList();
            Assert.Equal(first.Count, second.Count);
            for (int i = 0; i < first.Count; i++) Assert.Equal(first[i], second[i]);
            Assert.Contains(first, m => !m.SequenceEqual(seeds[0]));
        }
    }
}
