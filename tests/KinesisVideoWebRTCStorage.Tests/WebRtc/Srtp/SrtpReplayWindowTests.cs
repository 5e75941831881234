using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Srtp
{
    public class SrtpReplayWindowTests
    {
        [Fact]
        public void TracksSeenIndicesInsideTheWindowOnly()
        {
            var window = new SrtpReplayWindow();
            Assert.True(window.IsFresh(0));
            window.Accept(100);
            Assert.False(window.IsFresh(100));
            Assert.True(window.IsFresh(37)); // age 63: the oldest index still tracked
            Assert.False(window.IsFresh(36)); // age 64: too old to tell
            window.Accept(37);
            Assert.False(window.IsFresh(37));
            window.Accept(10); // too old: must not mark anything else
            for (long i = 38; i < 100; i++) Assert.True(window.IsFresh(i), $"index {i}");
        }

        [Fact]
        public void SlidingForwardKeepsBitsThatStayInsideTheWindow()
        {
            var window = new SrtpReplayWindow();
            window.Accept(1);
            window.Accept(3);
            window.Accept(60);
            Assert.False(window.IsFresh(3));
            Assert.True(window.IsFresh(2));
            window.Accept(66); // 1 and 2 fall out, 3 stays at age 63
            Assert.False(window.IsFresh(3));
            Assert.False(window.IsFresh(2));
            window.Accept(200);
            Assert.True(window.IsFresh(199));
            Assert.False(window.IsFresh(66));
        }
    }
}
