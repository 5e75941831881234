using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp
{
    public class RtpReorderBufferTests
    {
        private readonly List<int> _released = new List<int>();
        private readonly RtpReorderBuffer _buffer;

        public RtpReorderBufferTests()
        {
            _buffer = new RtpReorderBuffer(p => _released.Add(RtpPacket.Parse(p).Header.SequenceNumber), capacity: 8);
        }

        private void Push(params int[] sequences)
        {
            var packet = new byte[16];
            foreach (int s in sequences)
            {
                RtpPacket.Write(packet, new RtpHeader(96, (ushort)s, 0, 1), new byte[] { 1, 2, 3, 4 });
                _buffer.Push(packet);
            }
        }

        [Fact]
        public void ReordersAcrossTheSequenceWrap()
        {
            Push(65534, 0, 65535, 2, 1);
            Assert.Equal(new[] { 65534, 65535, 0, 1, 2 }, _released);
        }

        [Fact]
        public void GivesUpOnAGapWhenThePacketWindowIsExceeded()
        {
            Push(10, 12, 13, 14, 15, 16, 17, 18);
            Assert.Equal(new[] { 10 }, _released);
            Push(19); // 19 is 8 past the missing 11: 11 is abandoned
            Assert.Equal(new[] { 10, 12, 13, 14, 15, 16, 17, 18, 19 }, _released);
            Assert.Equal(1, _buffer.Skipped);
            Push(11);
            Assert.Equal(1, _buffer.DroppedLateOrDuplicate);
        }

        [Fact]
        public void JumpsFarAheadWithoutLosingHeldPacketsAndTreatsFarBehindAsARestart()
        {
            Push(100, 102, 103);
            Push(30000); // far ahead: 102 and 103 go out; 30000 waits with the 7 numbers before it still open
            Assert.Equal(new[] { 100, 102, 103 }, _released);
            Assert.Equal(29993 - 101 - 2, _buffer.Skipped);
            Push(29950); // a little behind: late
            Assert.Equal(1, _buffer.DroppedLateOrDuplicate);
            Push(5, 6); // far behind: a restart, not 32 thousand late packets
            Assert.Equal(new[] { 100, 102, 103, 30000, 5, 6 }, _released);
            Assert.Equal(1, _buffer.Restarts);
        }

        [Fact]
        public void DropsDuplicatesAndFlushesHeldPackets()
        {
            Push(1, 3, 3, 5);
            Assert.Equal(1, _buffer.DroppedLateOrDuplicate);
            _buffer.Flush();
            Assert.Equal(new[] { 1, 3, 5 }, _released);
        }

        [Fact]
        public void PushingDoesNotAllocate()
        {
            long released = 0;
            var buffer = new RtpReorderBuffer(p => released++, capacity: 16);
            var packet = new byte[1200];
            packet[0] = 0x80;
            void Push(int s)
            {
                packet[2] = (byte)(s >> 8);
                packet[3] = (byte)s;
                buffer.Push(packet);
            }
            Push(0);
            long before = System.GC.GetAllocatedBytesForCurrentThread();
            for (int i = 1; i < 5000; i += 2)
            {
                Push(i + 1);
                Push(i);
            }
            Assert.Equal(0, System.GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(5001, released); // 0 through 5000, each pair arriving swapped
        }
    }
}
