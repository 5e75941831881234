using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp
{
    public class SequenceNumberTests
    {
        [Theory]
        [InlineData(1, 0, true)]
        [InlineData(0, 65535, true)]
        [InlineData(65535, 0, false)]
        [InlineData(100, 100, false)]
        [InlineData(32767, 0, true)]
        [InlineData(32768, 0, false)]
        public void IsNewerIsWrapAware(int a, int b, bool newer) => Assert.Equal(newer, SequenceNumber.IsNewer((ushort)a, (ushort)b));

        [Fact]
        public void DistanceIsSignedAcrossTheWrap()
        {
            Assert.Equal(2, SequenceNumber.Distance(65535, 1));
            Assert.Equal(-2, SequenceNumber.Distance(1, 65535));
        }

        [Fact]
        public void UnwrapperCountsWrapsAndToleratesReordering()
        {
            var unwrapper = new SequenceUnwrapper();
            Assert.Equal(65534, unwrapper.Unwrap(65534));
            Assert.Equal(65536 + 1, unwrapper.Unwrap(1));
            Assert.Equal(65535, unwrapper.Unwrap(65535)); // late packet from before the wrap
            Assert.Equal(65536 + 2, unwrapper.Unwrap(2));
            Assert.Equal(65536 + 2, unwrapper.Highest);
        }

        [Fact]
        public void UnwrapperDoesNotGoNegativeForPacketsBeforeTheFirst()
        {
            var unwrapper = new SequenceUnwrapper();
            unwrapper.Unwrap(3);
            Assert.Equal(65535, unwrapper.Unwrap(65535));
        }
    
        [Fact]
        public void TrackerClassifiesGapsLateAndRestarts()
        {
            var tracker = new ReceiveSequenceTracker();
            Assert.Equal(SequenceStatus.InOrder, tracker.Advance(65535, out _));
            Assert.Equal(SequenceStatus.InOrder, tracker.Advance(0, out _));
            Assert.Equal(SequenceStatus.Gap, tracker.Advance(3, out int lost));
            Assert.Equal(2, lost);
            Assert.Equal(SequenceStatus.Late, tracker.Advance(1, out _));
            Assert.Equal(SequenceStatus.InOrder, tracker.Advance(4, out _));
            Assert.Equal(SequenceStatus.Restarted, tracker.Advance(60000, out lost));
            Assert.Equal(0, lost);
            Assert.Equal(SequenceStatus.InOrder, tracker.Advance(60001, out _));
        }

        [Fact]
        public void TheHighestSequenceTellsNewPacketsFromResendsAndCountsWraps()
        {
            var highest = new HighestSequence();
            Assert.False(highest.HasValue);
            Assert.Equal(1, highest.Advance(65534)); // the first packet
            Assert.Equal(3, highest.Advance(1)); // across the wrap, two lost between
            Assert.Equal(-2, highest.Advance(65535)); // a resend: changes nothing
            Assert.Equal(0, highest.Advance(1)); // a duplicate
            Assert.Equal((ushort)1, highest.Value);
            Assert.Equal(65537, highest.Extended);
        }
    }
}
