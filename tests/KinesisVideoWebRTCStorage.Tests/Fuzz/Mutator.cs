using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.Tests.Fuzz
{
    /// <summary>
    /// Seeded mutation of valid inputs for hostile-input tests: bit flips, byte overwrites with boundary values,
    /// truncation, insertion, duplication of runs and random junk. The same seed gives the same sequence.
    /// </summary>
    public static class Mutator
    {
        private static readonly byte[] Interesting = { 0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x40, 0x20 };

        public static IEnumerable<byte[]> Mutations(IReadOnlyList<byte[]> seeds, int count, int seed)
        {
            var random = new Random(seed);
            for (int i = 0; i < count; i++)
            {
                if (seeds.Count == 0 || random.Next(20) == 0)
                {
                    var junk = new byte[random.Next(0, 256)];
                    random.NextBytes(junk);
                    yield return junk;
                    continue;
                }
                var input = (byte[])seeds[random.Next(seeds.Count)].Clone();
                int rounds = 1 + random.Next(4);
                for (int r = 0; r < rounds; r++) input = MutateOnce(input, random);
                yield return input;
            }
        }

        private static byte[] MutateOnce(byte[] input, Random random)
        {
            if (input.Length == 0) return new[] { (byte)random.Next(256) };
            switch (random.Next(7))
            {
                case 0:
                    input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                    return input;
                case 1:
                    input[random.Next(input.Length)] = Interesting[random.Next(Interesting.Length)];
                    return input;
                case 2:
                    Array.Resize(ref input, random.Next(input.Length));
                    return input;
                case 3:
                {
                    int at = random.Next(input.Length + 1);
                    var extra = new byte[1 + random.Next(16)];
                    random.NextBytes(extra);
                    var grown = new byte[input.Length + extra.Length];
                    Buffer.BlockCopy(input, 0, grown, 0, at);
                    Buffer.BlockCopy(extra, 0, grown, at, extra.Length);
                    Buffer.BlockCopy(input, at, grown, at + extra.Length, input.Length - at);
                    return grown;
                }
                case 4:
                {
                    int start = random.Next(input.Length);
                    int length = Math.Min(input.Length - start, 1 + random.Next(32));
                    var grown = new byte[input.Length + length];
                    Buffer.BlockCopy(input, 0, grown, 0, start + length);
                    Buffer.BlockCopy(input, start, grown, start + length, input.Length - start);
                    return grown;
                }
                case 5:
                {
                    // Large length-like values: 16- and 32-bit maxima written over a random spot.
                    int at = random.Next(input.Length);
                    for (int k = 0; k < 4 && at + k < input.Length; k++) input[at + k] = 0xFF;
                    return input;
                }
                default:
                {
                    int at = random.Next(input.Length);
                    input[at] = (byte)random.Next(256);
                    return input;
                }
            }
        }
    }

    /// <summary>Runs a parser over mutated inputs: only the allowed error type may escape, and allocation stays bounded.</summary>
    public static class HostileInput
    {
        /// <param name="parse">The parser under test.</param>
        /// <param name="isExpectedError">True for the parser's typed error.</param>
        /// <param name="allocationBound">The most bytes a parse of an input of the given length may allocate.</param>
        public static int Run(IReadOnlyList<byte[]> seeds, int count, int seed, Action<byte[]> parse, Func<Exception, bool> isExpectedError,
            Func<int, long> allocationBound)
        {
            int rejected = 0;
            foreach (var input in Mutator.Mutations(seeds, count, seed))
            {
                long allocated = Allocated(input, parse, isExpectedError, out bool wasRejected);
                if (wasRejected) rejected++;
                if (allocated <= allocationBound(input.Length)) continue;
                // The first time a path runs, the runtime may allocate on this thread for itself (type loading, JIT,
                // exception machinery). An input whose parse really allocates too much does so again.
                long again = Allocated(input, parse, isExpectedError, out _);
                if (again > allocationBound(input.Length))
                    throw new Xunit.Sdk.XunitException($"Parsing {input.Length} bytes allocated {allocated} then {again} bytes (bound {allocationBound(input.Length)}): {Convert.ToHexString(input)}");
            }
            return rejected;
        }

        private static long Allocated(byte[] input, Action<byte[]> parse, Func<Exception, bool> isExpectedError, out bool rejected)
        {
            rejected = false;
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                parse(input);
            }
            catch (Exception e) when (isExpectedError(e))
            {
                rejected = true;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Unexpected {e.GetType().Name} for input {Convert.ToHexString(input)}: {e}");
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }
}
