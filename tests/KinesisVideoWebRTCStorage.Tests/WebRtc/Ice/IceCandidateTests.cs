using System.Linq;
using System.Net;
using System.Text;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Ice
{
    public class IceCandidateTests
    {
        private static readonly string[] Samples =
        {
            "candidate:3813294837 1 udp 2113937151 127.0.0.1 52877 typ host generation 0 network-cost 999",
            "candidate:842163049 1 udp 1677729535 203.0.113.7 52877 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Zf9t network-id 1 network-cost 10",
            "candidate:1 1 UDP 2015363327 ::1 45063 typ host",
            "candidate:2 1 TCP 1015021823 127.0.0.1 9 typ host tcptype active",
            "candidate:9 1 udp 41885439 198.51.100.2 3478 typ relay raddr 203.0.113.7 rport 52877",
            "candidate:5 1 udp 2113937151 4f1a7c3e-1b2d-4c5e-8f90-123456789abc.local 60000 typ host generation 0",
        };

        [Fact]
        public void ParsesAndFormatsChromiumCandidates()
        {
            var srflx = IceCandidate.Parse("a=" + Samples[1]);
            Assert.Equal(("842163049", 1, "udp", 1677729535u), (srflx.Foundation, srflx.Component, srflx.Transport, srflx.Priority));
            Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 52877), srflx.EndPoint);
            Assert.Equal(IceCandidateType.ServerReflexive, srflx.Type);
            Assert.Equal(("0.0.0.0", (int?)0), (srflx.RelatedAddress, srflx.RelatedPort));
            Assert.Equal("Zf9t", srflx.Extension("ufrag"));
            Assert.Equal(IPAddress.IPv6Loopback, IceCandidate.Parse(Samples[2]).EndPoint!.Address);
            Assert.Null(IceCandidate.Parse(Samples[5]).EndPoint);
            Assert.Equal(IceCandidateType.Relayed, IceCandidate.Parse(Samples[4]).Type);
            foreach (string sample in Samples.Where(s => !s.Contains("UDP") && !s.Contains("TCP")))
                Assert.Equal(sample, IceCandidate.Parse(sample).ToAttributeValue());
            Assert.Equal("udp", IceCandidate.Parse(Samples[2]).Transport);
        }

        [Fact]
        public void ComputesRfc8445Priority()
        {
            Assert.Equal((126u << 24) + (65535u << 8) + 255u, IceCandidate.ComputePriority(IceCandidateType.Host, 65535, 1));
            Assert.Equal(255u, IceCandidate.ComputePriority(IceCandidateType.Relayed, 0, 1));
        }

        [Theory]
        [InlineData("candidate:1 1 udp 1 127.0.0.1 5000")]
        [InlineData("candidate:1 0 udp 1 127.0.0.1 5000 typ host")]
        [InlineData("candidate:1 1 udp 99999999999 127.0.0.1 5000 typ host")]
        [InlineData("candidate:1 1 udp 1 127.0.0.1 65536 typ host")]
        [InlineData("candidate:1 1 udp 1 127.0.0.1 5000 typ bogus")]
        [InlineData("candidate:1 1 udp 1 127.0.0.1 5000 typ host generation")]
        public void RejectsMalformedCandidates(string text) => Assert.Throws<IceFormatException>(() => IceCandidate.Parse(text));

        [Fact]
        public void SurvivesHostileInput()
        {
            var seeds = Samples.Select(Encoding.UTF8.GetBytes).ToList();
            int rejected = Fuzz.HostileInput.Run(seeds, 100_000, 8839, input =>
            {
                var candidate = IceCandidate.Parse(Encoding.UTF8.GetString(input));
                _ = candidate.EndPoint;
                Assert.Equal(candidate.ToAttributeValue(), IceCandidate.Parse(candidate.ToAttributeValue()).ToAttributeValue());
            }, e => e is IceFormatException, length => 100L * length + 20_000);
            Assert.InRange(rejected, 1_000, 99_000);
        }
    }
}
