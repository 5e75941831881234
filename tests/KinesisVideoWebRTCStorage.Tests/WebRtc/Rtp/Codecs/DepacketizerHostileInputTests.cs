using KinesisVideoWebRTCStorage.Tests.Fuzz;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs
{
    public class DepacketizerHostileInputTests
    {
        // A rejected RTP header costs its exception; depacketizing itself allocates only when a unit outgrows the buffer.
        private const long ExceptionBudget = 16_384;

        [Fact]
        public void H264DepacketizerSurvivesSeededMutations()
        {
            long delivered = 0, deliveredBytes = 0;
            var depacketizer = new H264Depacketizer((unit, _, complete) =>
            {
                delivered++;
                deliveredBytes += unit.Length;
            }, maxAccessUnitSize: 64 * 1024) { DeliverIncomplete = true };
            HostileInput.Run(SeedCorpus.Load("h264"), 100_000, 6184,
                input => depacketizer.Push(RtpPacket.Parse(input)), e => e is RtpFormatException, _ => ExceptionBudget);
            depacketizer.Flush();
            Assert.True(delivered > 1000, $"only {delivered} units");
            Assert.True(depacketizer.MalformedPayloads > 1000, $"{depacketizer.MalformedPayloads} malformed, {depacketizer.LatePacketsDropped} late, {depacketizer.LostPackets} lost, {delivered} delivered");
            Assert.True(depacketizer.LostPackets > 0);
        }

        [Fact]
        public void OpusDepacketizerSurvivesSeededMutations()
        {
            long delivered = 0;
            var depacketizer = new OpusDepacketizer((frame, _) => delivered++);
            HostileInput.Run(SeedCorpus.Load("opus"), 100_000, 7587,
                input => depacketizer.Push(RtpPacket.Parse(input)), e => e is RtpFormatException, _ => ExceptionBudget);
            Assert.True(delivered > 1000, $"only {delivered} frames");
        }

        [Fact]
        public void ReorderBufferSurvivesSeededMutations()
        {
            long released = 0;
            var buffer = new RtpReorderBuffer(p => released++, capacity: 32);
            HostileInput.Run(SeedCorpus.Load("h264"), 100_000, 1889, input => buffer.Push(input), _ => false, _ => 0);
            buffer.Flush();
            Assert.True(released > 1000);
            Assert.True(buffer.DroppedInvalid > 1000);
        }
    }
}
