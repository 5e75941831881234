using System;
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

        [Fact]
        public void AParseThatAllocatesWithTheInputFailsTheBound()
        {
            var seeds = new[] { new byte[64] };
            var error = Assert.Throws<Xunit.Sdk.XunitException>(() =>
                HostileInput.Run(seeds, 50, 3, input => GC.KeepAlive(new byte[input.Length * 64]), _ => false, length => 1024));
            Assert.StartsWith("Parsing ", error.Message);
            Assert.Contains("(bound 1024)", error.Message);
        }

        [Fact]
        public void AOneTimeCostIsNotTakenForTheParsersOwn()
        {
            // The first call pays for something once (as type loading or JIT would); the parse itself allocates nothing.
            bool paid = false;
            void Parse(byte[] input)
            {
                if (!paid) { paid = true; GC.KeepAlive(new byte[8192]); }
            }
            HostileInput.Run(new[] { new byte[64] }, 50, 3, Parse, _ => false, length => 1024);
        }
    }
}
