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

        [Fact]
        public void TheTailOfAGopIsGivenUpSoThatTheNextKeyframeGetsThrough()
        {
            // 2 s GOPs of an 80 kB keyframe and 5.5 kB P-frames (1.6 Mbit/s) through 1.2 Mbit/s: P-frames sent while
            // they fit would fill the bucket just before each keyframe, losing every other GOP whole.
            var dropper = new CongestionFrameDropper();
            var keyframe = new byte[80_000];
            var keysSent = new List<bool>();
            for (int i = 0; i < 20 * 30; i++)
            {
                bool key = i % 60 == 0;
                var frame = new MediaFrame(MediaTrackKind.Video, TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30), TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30), key,
                    keyframe.AsMemory(0, key ? 80_000 : 5_500));
                bool sent = dropper.ShouldSend(frame, i < 60 ? null : 1_200_000); // the link is found short during the first GOP
                if (key && i > 0) keysSent.Add(sent);
            }
            Assert.All(keysSent, Assert.True);
            Assert.InRange(dropper.Dropped, 100, 300); // GOP tails give way
        }

        [Fact]
        public void TheGopAfterTheLinkIsFoundShortIsNotLostToTheOneBefore()
        {
            // A 2 Mbit/s file (2 s GOPs, 32 kB keyframes, 8 kB P-frames) found short of a 1.2 Mbit/s link just before
            // 1 s: the first GOP's tail filled the bucket, and the second GOP kept only its keyframe and a few frames.
            var dropper = new CongestionFrameDropper();
            var payload = new byte[32_000];
            var sentPerGop = new int[3];
            for (int i = 0; i < 180; i++)
            {
                bool key = i % 60 == 0;
                var frame = new MediaFrame(MediaTrackKind.Video, TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30), TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30), key,
                    payload.AsMemory(0, key ? 32_000 : 8_000));
                if (dropper.ShouldSend(frame, i < 28 ? null : 1_200_000)) sentPerGop[i / 60]++;
            }
            Assert.True(sentPerGop[1] >= 30, $"frames sent per GOP: {string.Join(", ", sentPerGop)}");
            Assert.True(sentPerGop[2] >= 30, $"frames sent per GOP: {string.Join(", ", sentPerGop)}");
        }

        [Fact]
        public void AnEstimateFallingDuringAGopDoesNotCostTheNextKeyframe()
        {
            // The lab case: a 2 Mbit/s file (2 s GOPs, 30 kB keyframes, 8 kB P-frames) kept room for each keyframe at
            // 1.2 Mbit/s, then the estimate fell to 0.85 Mbit/s late in the GOP, and the keyframe, with its whole GOP,
            // was dropped: a freeze of 2.9 s.
            var dropper = new CongestionFrameDropper();
            var payload = new byte[30_000];
            var keysSent = new List<bool>();
            int sentAfterFall = 0;
            for (int i = 0; i < 12 * 30; i++)
            {
                bool key = i % 60 == 0;
                var frame = new MediaFrame(MediaTrackKind.Video, TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30), TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30), key,
                    payload.AsMemory(0, key ? 30_000 : 8_000));
                long estimate = i % 60 >= 50 ? 850_000 : 1_200_000; // it falls for the last third of a second of every GOP
                bool sent = dropper.ShouldSend(frame, estimate);
                if (key) keysSent.Add(sent);
                if (i % 60 >= 50 && sent) sentAfterFall++;
            }
            Assert.All(keysSent, Assert.True);
            Assert.Equal(0, sentAfterFall); // the P-frames, not the keyframe, give way
        }

        [Fact]
        public void WhatTheLastSecondSentAboveTheLinkCountsWhenItIsFoundShort()
        {
            // 1.9 Mbit/s of P-frames for 1.5 s, then the link is found to carry 1.2 Mbit/s: the 0.7 Mbit the last
            // second sent above it is still queued there, so the bucket does not start empty and the GOP's tail goes.
            var dropper = new CongestionFrameDropper();
            var payload = new byte[32_000];
            int sentAfter = 0;
            for (int i = 0; i < 90; i++)
            {
                var frame = new MediaFrame(MediaTrackKind.Video, TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30), TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30), i == 0,
                    payload.AsMemory(0, i == 0 ? 32_000 : 8_000));
                bool sent = dropper.ShouldSend(frame, i < 45 ? null : 1_200_000);
                if (i >= 45 && sent) sentAfter++;
            }
            Assert.InRange(sentAfter, 1, 10); // from an empty bucket, 37 of the 45 would go
        }

        [Fact]
        public void AKeyframeLargerThanASecondOfTheLinkStillGetsThroughAFrameAGop()
        {
            var dropper = new CongestionFrameDropper();
            var payload = new byte[200_000];
            int keysSent = 0;
            for (int i = 0; i < 10 * 30; i++)
            {
                bool key = i % 30 == 0;
                var frame = new MediaFrame(MediaTrackKind.Video, TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30), TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30), key,
                    payload.AsMemory(0, key ? 200_000 : 2_000));
                if (dropper.ShouldSend(frame, 1_000_000) && key) keysSent++;
            }
            Assert.True(keysSent >= 4, $"{keysSent} keyframes of 10 sent");
        }
    }
}
