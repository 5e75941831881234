using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc;

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

        /// <summary>Feeds a real peer's candidates into our connection, then end-of-candidates.</summary>
        public static async Task IntoAsync(ChannelReader<TrickledCandidate> from, RtcPeerConnection connection)
        {
            await ForwardAsync(from, c =>
            {
                connection.AddIceCandidate(new RtcIceCandidateInit(c.Candidate, c.Mid, c.MLineIndex));
                return Task.CompletedTask;
            }).ConfigureAwait(false);
            connection.AddIceCandidate(new RtcIceCandidateInit(""));
        }

        /// <summary>Waits (bounded) for our side to connect; a failure carries what is needed to see why.</summary>
        public static async Task WaitConnectedAsync(RtcPeerConnection connection, string ourRole, Func<string> diagnostics)
        {
            using var timeout = new CancellationTokenSource(InteropTimeouts.Connect);
            try
            {
                await connection.WaitConnectedAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RtcConnectionFailedException || e is OperationCanceledException)
            {
                throw new InvalidOperationException($"Our {ourRole} did not connect ({e.Message}). {diagnostics()}", e);
            }
        }
    }
}
