using System.Threading.Channels;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// What the tests need of an independent peer that offers to receive: its offer, our answer, and trickled candidates
    /// both ways. <see cref="ChromiumPeer"/> and <see cref="GStreamerPeer"/> both are one, so a test that answers with
    /// our stack runs the same steps against either.
    /// </summary>
    public interface IInteropPeer
    {
        /// <summary>Loopback candidates as the peer gathers them; completes at its end-of-candidates.</summary>
        ChannelReader<TrickledCandidate> LocalCandidates { get; }

        /// <summary>A recvonly offer for one video (H.264 among its codecs) and one audio (Opus) stream.</summary>
        Task<string> CreateReceiveOfferAsync();

        Task SetRemoteAnswerAsync(string sdp);

        /// <param name="candidate">The attribute value, "candidate:..."; an empty one ends the candidates.</param>
        Task AddRemoteCandidateAsync(string candidate, string? sdpMid, int? sdpMLineIndex);
    }
}
