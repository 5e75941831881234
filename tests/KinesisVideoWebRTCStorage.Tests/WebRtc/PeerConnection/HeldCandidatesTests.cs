using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.PeerConnection
{
    public class HeldCandidatesTests
    {
        [Fact]
        public void CandidatesWaitForTheAnswerThenGoOutAtOnceAndEndOfCandidatesNever()
        {
            var sent = new List<string>();
            var held = new HeldCandidates(c => sent.Add(c.Candidate));
            held.OnLocalCandidate(new RtcIceCandidateInit("candidate:1 1 udp 1 127.0.0.1 1000 typ host", "0", 0));
            held.OnLocalCandidate(new RtcIceCandidateInit("candidate:2 1 udp 1 127.0.0.1 1001 typ host", "0", 0));
            Assert.Empty(sent);
            held.Release();
            Assert.Equal(new[] { "candidate:1 1 udp 1 127.0.0.1 1000 typ host", "candidate:2 1 udp 1 127.0.0.1 1001 typ host" }, sent);
            held.OnLocalCandidate(new RtcIceCandidateInit("candidate:3 1 udp 1 127.0.0.1 1002 typ host", "0", 0));
            held.OnLocalCandidate(new RtcIceCandidateInit(""));
            Assert.Equal(3, sent.Count);
        }
    }
}
