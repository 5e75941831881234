using System;
using System.IO;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media.H264;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.H264
{
    public class H264SpsTests
    {
        [Fact]
        public void RemovesEmulationPreventionBytes()
        {
            byte[] nal = { 0x67, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00, 0x03 };
            var rbsp = new byte[nal.Length];
            int length = EmulationPrevention.Remove(nal, rbsp);
            Assert.Equal(new byte[] { 0x67, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03 }, rbsp.AsSpan(0, length).ToArray());
        }

        [Fact]
        public async Task ParsesBaselineSpsLikeFfprobe()
        {
            using var source = await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264));
            var info = source.Video!;
            string level = MediaTools.Ffprobe($"-select_streams v:0 -show_entries stream=level -of csv=p=0 \"{MediaTools.Files.VideoH264}\"").Trim();
            Assert.Equal(640, info.Width);
            Assert.Equal(480, info.Height);
            Assert.Equal(66, info.Parsed.ProfileIdc);
            Assert.Equal(int.Parse(level), info.Parsed.LevelIdc);
            Assert.Equal($"42{info.Parsed.ConstraintFlags:x2}{int.Parse(level):x2}", info.ProfileLevelId);
            Assert.NotEqual(0, info.Parsed.ConstraintFlags & 0x40); // x264 baseline is constrained baseline
            Assert.Equal(30.0, info.Parsed.FrameRate);
        }

        [Theory]
        [InlineData("high", "yuv420p", 200, 90, 25)]
        [InlineData("high444", "yuv444p", 210, 86, 24)]
        [InlineData("main", "yuv420p", 322, 242, 15)]
        public async Task ParsesCroppingAndFrameRate(string profile, string pixelFormat, int width, int height, int rate)
        {
            string path = Path.Combine(MediaTools.Files.Directory, $"sps-{profile}-{width}x{height}.h264");
            MediaTools.Ffmpeg($"-f lavfi -i testsrc=size={width}x{height}:rate={rate} -frames:v 2 -c:v libx264 -profile:v {profile} -pix_fmt {pixelFormat} -f h264 \"{path}\"");
            using var source = await H264AnnexBSource.OpenAsync(File.OpenRead(path));
            Assert.Equal(width, source.Video!.Width);
            Assert.Equal(height, source.Video.Height);
            Assert.Equal(rate, source.Video.Parsed.FrameRate);
            Assert.Equal(profile == "main" ? 77 : profile == "high" ? 100 : 244, source.Video.Parsed.ProfileIdc);
        }

        [Fact]
        public void RejectsTruncatedSps()
        {
            var ex = Assert.Throws<H264FormatException>(() => H264Sps.Parse(new byte[] { 0x67, 0x42, 0xC0, 0x1E, 0xD9 }));
            Assert.Contains("ends early", ex.Message);
        }

        [Fact]
        public void RejectsOverlongExpGolomb()
        {
            var ex = Assert.Throws<H264FormatException>(() => H264Sps.Parse(new byte[] { 0x67, 0x42, 0xC0, 0x1E, 0, 0, 0, 0, 0, 1 }));
            Assert.Contains("exp-Golomb", ex.Message);
        }
    }
}
