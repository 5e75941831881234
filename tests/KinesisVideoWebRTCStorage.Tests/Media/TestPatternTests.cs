using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.Matroska;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    public class TestPatternTests
    {
        [Fact]
        public async Task LoopsWithContinuousTimestampsInBothTracks()
        {
            using var pattern = await TestPattern.OpenAsync(passes: 3);
            Assert.Equal(640, pattern.Video!.Width);
            Assert.Equal(480, pattern.Video.Height);
            Assert.StartsWith("42c0", pattern.Video.ProfileLevelId); // constrained baseline
            Assert.Equal(30.0, pattern.Video.Parsed.FrameRate);
            var frames = await MediaTools.ReadAllAsync(pattern);
            var video = frames.Where(f => f.Frame.Kind == MediaTrackKind.Video).Select(f => f.Frame).ToList();
            var audio = frames.Where(f => f.Frame.Kind == MediaTrackKind.Audio).Select(f => f.Frame).ToList();

            Assert.Equal(180, video.Count);
            Assert.Equal(300, audio.Count);
            for (int i = 0; i < video.Count; i++)
            {
                Assert.Equal(TimeSpan.FromTicks((long)Math.Round(i * TimeSpan.TicksPerSecond / 30.0)), video[i].Timestamp);
                Assert.Equal(i % 30 == 0, video[i].IsKeyFrame);
            }
            for (int i = 1; i < audio.Count; i++) Assert.Equal(audio[i - 1].Timestamp + audio[i - 1].Duration, audio[i].Timestamp);
            Assert.Equal(TimeSpan.FromMilliseconds(-6.5), audio[0].Timestamp);
            // Frames come out in timestamp order across tracks.
            Assert.True(frames.Select(f => f.Frame.Timestamp).Zip(frames.Skip(1).Select(f => f.Frame.Timestamp), (a, b) => a <= b).All(x => x));
        }

        [Fact]
        public async Task ThreePassesMuxIntoAFileFfmpegDecodesCleanly()
        {
            string path = Path.Combine(MediaTools.Files.Directory, "pattern.mkv");
            using (var pattern = await TestPattern.OpenAsync(passes: 3))
            using (var muxer = new MatroskaMuxer(File.Create(path), pattern.Video, pattern.Audio))
            {
                while (await pattern.ReadFrameAsync() is { } frame) muxer.WriteFrame(frame);
            }
            Assert.Equal("", MediaTools.DecodeErrors(path));
            Assert.Equal(180, MediaTools.PacketCount(path, "v:0"));
            Assert.Equal(300, MediaTools.PacketCount(path, "a:0"));
        }

        [Fact]
        public void TheEmbeddedPatternIsSmall()
        {
            var assembly = typeof(TestPattern).Assembly;
            long total = assembly.GetManifestResourceNames().Where(n => n.StartsWith("KinesisVideoWebRTCStorage.Media.TestPattern.", StringComparison.Ordinal))
                .Sum(n => assembly.GetManifestResourceStream(n)!.Length);
            Assert.InRange(total, 10_000, 150_000);
        }
    }
}
