using System;
using System.Collections.Generic;
using System.Threading;
using KinesisVideoWebRTCStorage.WebRtc.Sender;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Sender
{
    /// <summary>The pacer spreads a burst over time at its rate, lets audio through at once and resends ahead of video.</summary>
    public class PacedSenderTests
    {
        private static byte[] Packet(byte tag, int size = 1200)
        {
            var packet = new byte[size + 16];
            packet[0] = 0x80;
            packet[12] = tag;
            return packet;
        }

        [Fact]
        public void AKeyframeBurstLeavesAtThePacingRateNotAtOnce()
        {
            var gate = new object();
            var sent = new List<(TimeSpan At, byte Tag)>();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var pacer = new PacedSender(gate, (buffer, length) => sent.Add((watch.Elapsed, buffer[12]))) { PacingRate = 2_000_000 };
            for (int i = 0; i < 50; i++) pacer.Video.OnRtpPacket(Packet((byte)i), 1200); // 480 kbit: 240 ms at 2 Mbit/s
            Assert.InRange(sent.Count, 1, 10); // only the budget's burst leaves at once
            Assert.True(SpinWait.SpinUntil(() => { lock (gate) return sent.Count == 50; }, 5000));
            lock (gate)
            {
                Assert.InRange((sent[49].At - sent[0].At).TotalMilliseconds, 150, 1000);
                for (int i = 0; i < 50; i++) Assert.Equal(i, sent[i].Tag); // in order
            }
            Assert.True(pacer.MaxQueueDelay > TimeSpan.FromMilliseconds(100));
        }

        [Fact]
        public void AudioNeverWaitsAndResendsGoAheadOfQueuedVideo()
        {
            var gate = new object();
            var sent = new List<byte>();
            using var pacer = new PacedSender(gate, (buffer, length) => sent.Add(buffer[12])) { PacingRate = 500_000 };
            lock (gate)
            {
                for (int i = 0; i < 20; i++) pacer.Video.OnRtpPacket(Packet(1), 1200);
                pacer.Resends.OnRtpPacket(Packet(2), 1200);
                pacer.Audio.OnRtpPacket(Packet(3, 100), 100);
                Assert.Equal(3, sent[sent.Count - 1]); // audio left at once, behind nothing
            }
            Assert.True(SpinWait.SpinUntil(() => { lock (gate) return sent.Count == 22; }, 5000));
            lock (gate)
            {
                int resend = sent.IndexOf(2), firstQueuedVideo = sent.FindIndex(sent.IndexOf(3) + 1, t => t == 1);
                Assert.True(resend < firstQueuedVideo || firstQueuedVideo < 0, string.Join(",", sent));
            }
        }

        [Fact]
        public void ABacklogIsDrainedWithinASecondEvenAtATooLowRate()
        {
            var gate = new object();
            int count = 0;
            using var pacer = new PacedSender(gate, (buffer, length) => count++) { PacingRate = 100_000 };
            for (int i = 0; i < 200; i++) pacer.Video.OnRtpPacket(Packet(1), 1200); // 1.9 Mbit: 19 s at 100 kbit/s
            Assert.True(SpinWait.SpinUntil(() => { lock (gate) return count == 200; }, 3000), $"{count} of 200 sent");
        }
    }
}
