using System;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>The test's half of trickle ICE: forwards one peer's local candidates to the other as they are gathered.</summary>
    internal static class CandidateRelay
    {
        /// <summary>Completes, with the number forwarded, when the source signals end-of-candidates.</summary>
        public static async Task<int> ForwardAsync(ChannelReader<TrickledCandidate> from, Func<TrickledCandidate, Task> to)
        {
            int forwarded = 0;
            await foreach (var candidate in from.ReadAllAsync().ConfigureAwait(false))
            {
                await to(candidate).ConfigureAwait(false);
                forwarded++;
            }
            return forwarded;
        }
    }
}
