using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Media;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    public class CongestionFrameDropperTests
    {
        /// <summary>30 fps video with an IDR every second (IDR 20 kB, P 4 kB: about 1.1 Mbit/s) and 20 ms audio.</summary>
        private static IEnumerable<MediaFrame> Media(int seconds)
        {
            var payload = new byte[20_000];
            var audio = new byte[100];
            for (int i = 0; i < seconds * 30; i++)
            {
                var at = TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30);
                bool key = i % 30 == 0;
                yield return new MediaFrame(MediaTrackKind.Video, at, TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30), key, payload.AsMemory(0, key ? 20_000 : 4_000));
                yield return new MediaFrame(MediaTrackKind.Audio, at, TimeSpan.FromMilliseconds(20), true, audio);
            }
        }

        [Fact]
        public void WithoutAnEstimateEverythingIsSent()
        {
            var dropper = new CongestionFrameDropper();
            Assert.All(Media(3), frame => Assert.True(dropper.ShouldSend(frame, null)));
            Assert.Equal(0, dropper.Dropped);
        }

        [Fact]
        public void BelowTheMediaRateItDropsGopTailsAndNeverAFrameWhoseReferenceWasDropped()
        {
            var dropper = new CongestionFrameDropper();
            var sentVideo = new List<(TimeSpan At, bool Key, int Bits)>();
            bool brokenChain = false, referenceMissing = false;
            foreach (var frame in Media(20))
            {
                bool sent = dropper.ShouldSend(frame, 700_000);
                if (frame.Kind == MediaTrackKind.Audio)
                {
                    Assert.True(sent); // audio always passes
                    continue;
                }
                if (frame.IsKeyFrame) brokenChain = false;
                if (!sent) brokenChain = true;
                else if (brokenChain) referenceMissing = true;
                if (sent) sentVideo.Add((frame.Timestamp, frame.IsKeyFrame, frame.Payload.Length * 8));
            }
            Assert.False(referenceMissing, "a frame was sent after one it references was dropped");
            Assert.True(dropper.Dropped > 0);
            // What it sends stays near the estimate: within the bucket's one second over the run.
            double sentBits = sentVideo.Sum(f => f.Bits);
            Assert.InRange(sentBits, 0.8 * 700_000 * 20, 700_000 * 21);
            Assert.True(sentVideo.Count(f => f.Key) >= 18, "keyframes get through, so every GOP shows");
        }
    }
}
