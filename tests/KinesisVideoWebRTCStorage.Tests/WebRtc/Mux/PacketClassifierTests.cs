using KinesisVideoWebRTCStorage.WebRtc.Mux;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Mux
{
    public class PacketClassifierTests
    {
        [Theory]
        [InlineData(0, PacketKind.Stun)]
        [InlineData(3, PacketKind.Stun)]
        [InlineData(4, PacketKind.Unknown)]
        [InlineData(16, PacketKind.Zrtp)]
        [InlineData(20, PacketKind.Dtls)]
        [InlineData(22, PacketKind.Dtls)]
        [InlineData(63, PacketKind.Dtls)]
        [InlineData(64, PacketKind.Turn)]
        [InlineData(127, PacketKind.Unknown)]
        [InlineData(128, PacketKind.Rtp)]
        [InlineData(191, PacketKind.Rtp)]
        [InlineData(192, PacketKind.Unknown)]
        public void ClassifiesByFirstByte(int first, PacketKind expected)
        {
            Assert.Equal(expected, PacketClassifier.Classify(new[] { (byte)first, (byte)0 }));
        }

        [Fact]
        public void EmptyIsUnknown() => Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify(new byte[0]));
    }
}
