using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.H264;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Media.Ogg;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.Matroska
{
    public class MatroskaMuxerTests
    {
        private static async Task<IMediaSource> OpenAnnexBAndOggAsync() =>
            new InterleavedMediaSource(
                await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264)),
                await OggOpusSource.OpenAsync(File.OpenRead(MediaTools.Files.AudioOgg)));

        private static async Task<string> RemuxAsync(IMediaSource source, string name)
        {
            string path = Path.Combine(MediaTools.Files.Directory, name);
            using (source)
            using (var muxer = new MatroskaMuxer(File.Create(path), source.Video, source.Audio))
            {
                while (await source.ReadFrameAsync() is { } frame) muxer.WriteFrame(frame);
            }
            return path;
        }

        private static double Seconds(string text) => double.Parse(text.Trim().TrimEnd(','), CultureInfo.InvariantCulture);

        private static void AssertPlaysLike(string path, int videoFrames, int audioPackets, double durationSeconds)
        {
            Assert.Equal("h264\nopus", MediaTools.Ffprobe($"-show_entries stream=codec_name -of csv=p=0 \"{path}\"").Trim().Replace(",", "").Replace("\r", ""));
            Assert.Equal(videoFrames, MediaTools.PacketCount(path, "v:0"));
            Assert.Equal(audioPackets, MediaTools.PacketCount(path, "a:0"));
            double duration = Seconds(MediaTools.Ffprobe($"-show_entries format=duration -of csv=p=0 \"{path}\""));
            Assert.InRange(duration, durationSeconds - 1 / 30.0, durationSeconds + 1 / 30.0);
            Assert.Equal("", MediaTools.DecodeErrors(path));
            Assert.Equal("", MediaTools.ProbeWarnings(path));
            // Decoding gives as many pictures as there are frames.
            string decoded = MediaTools.Ffprobe($"-select_streams v:0 -count_frames -show_entries stream=nb_read_frames,width,height -of csv=p=0 \"{path}\"").Trim();
            Assert.Equal($"640,480,{videoFrames}", decoded.TrimEnd(','));
        }

        [Fact]
        public async Task RemuxesAnnexBAndOggSoFfmpegPlaysItCleanly()
        {
            string path = await RemuxAsync(await OpenAnnexBAndOggAsync(), "from-annexb-ogg.mkv");
            int audioPackets = MediaTools.PacketCount(MediaTools.Files.AudioOgg, "a:0");
            AssertPlaysLike(path, 90, audioPackets, 3.0065);

            var videoPts = MediaTools.Ffprobe($"-select_streams v:0 -show_entries packet=pts_time,flags -of csv=p=0 \"{path}\"")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(',')).ToArray();
            for (int i = 0; i < videoPts.Length; i++)
            {
                Assert.InRange(Seconds(videoPts[i][0]), i / 30.0 - 0.001, i / 30.0 + 0.001);
                Assert.Equal(i % 30 == 0, videoPts[i][1].StartsWith("K", StringComparison.Ordinal));
            }
            // The first audio packet starts before zero by the pre-skip, as in the Ogg file.
            string firstAudio = MediaTools.Ffprobe($"-select_streams a:0 -read_intervals %+#1 -show_entries packet=pts_time -of csv=p=0 \"{path}\"");
            Assert.InRange(Seconds(firstAudio), -0.0075, -0.0055);
        }

        [Fact]
        public async Task RemuxesMatroskaSoFfmpegPlaysItCleanly()
        {
            string path = await RemuxAsync(await MatroskaDemuxer.OpenAsync(File.OpenRead(MediaTools.Files.Mkv)), "from-mkv.mkv");
            int audioPackets = MediaTools.PacketCount(MediaTools.Files.Mkv, "a:0");
            double inputDuration = Seconds(MediaTools.Ffprobe($"-show_entries format=duration -of csv=p=0 \"{MediaTools.Files.Mkv}\""));
            AssertPlaysLike(path, 90, audioPackets, inputDuration);
        }

        [Fact]
        public async Task WritesCuesPointingAtKeyFrameClusters()
        {
            string path = await RemuxAsync(await OpenAnnexBAndOggAsync(), "cues.mkv");
            // Seeking with the index lands on the key frame at 2 s.
            string seek = MediaTools.Ffprobe($"-read_intervals 2%+#1 -select_streams v:0 -show_entries packet=pts_time,flags -of csv=p=0 \"{path}\"");
            Assert.StartsWith("2.000000,K", seek.Trim());
            var bytes = File.ReadAllBytes(path);
            Assert.True(IndexOf(bytes, new byte[] { 0x1C, 0x53, 0xBB, 0x6B }) > 0, "Cues element written");
            Assert.True(IndexOf(bytes, new byte[] { 0x11, 0x4D, 0x9B, 0x74 }) > 0, "SeekHead written");
        }

        private static int IndexOf(byte[] data, byte[] pattern) => data.AsSpan().IndexOf(pattern);

        [Fact]
        public async Task AFileCutOffByACrashPlaysUpToItsLastCluster()
        {
            string path = Path.Combine(MediaTools.Files.Directory, "crash.mkv");
            string crashed = Path.Combine(MediaTools.Files.Directory, "crashed.mkv");
            using (var source = await OpenAnnexBAndOggAsync())
            using (var output = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite))
            {
                var muxer = new MatroskaMuxer(output, source.Video, source.Audio, leaveOpen: true);
                while (await source.ReadFrameAsync() is { } frame) muxer.WriteFrame(frame);
                // The process "dies" here: whatever reached the file so far is all there is.
                File.Copy(path, crashed, overwrite: true);
            }
            Assert.Equal(60, MediaTools.PacketCount(crashed, "v:0"));
            Assert.InRange(MediaTools.PacketCount(crashed, "a:0"), 95, 105);
            Assert.Equal("", MediaTools.DecodeErrors(crashed));
        }

        [Fact]
        public async Task RemuxesHighProfileWithBFramesFromMatroska()
        {
            // B-frames come in decoding order with presentation timestamps that go back and forth; Matroska keeps both.
            string input = Path.Combine(MediaTools.Files.Directory, "high-b.mkv");
            MediaTools.Ffmpeg($"-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine -t 2 -c:v libx264 -profile:v high -pix_fmt yuv420p -bf 2 -g 25 -c:a libopus \"{input}\"");
            string path = await RemuxAsync(await MatroskaDemuxer.OpenAsync(File.OpenRead(input)), "high-b-out.mkv");
            Assert.Equal(50, MediaTools.PacketCount(path, "v:0"));
            Assert.Equal(MediaTools.PacketCount(input, "a:0"), MediaTools.PacketCount(path, "a:0"));
            Assert.Equal("", MediaTools.DecodeErrors(path));
            Assert.Equal("", MediaTools.ProbeWarnings(path));
            string pts(string file) => MediaTools.Ffprobe($"-select_streams v:0 -show_entries packet=pts_time -of csv=p=0 \"{file}\"");
            Assert.Equal(pts(input), pts(path));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task WritesASingleTrack(bool video)
        {
            IMediaSource source = video
                ? await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264))
                : await OggOpusSource.OpenAsync(File.OpenRead(MediaTools.Files.AudioOgg));
            string path = await RemuxAsync(source, $"single-{(video ? "video" : "audio")}.mkv");
            string stream = video ? "v:0" : "a:0";
            string input = video ? MediaTools.Files.VideoH264 : MediaTools.Files.AudioOgg;
            Assert.Equal(video ? 90 : MediaTools.PacketCount(input, "a:0"), MediaTools.PacketCount(path, stream));
            Assert.Equal((video ? "h264" : "opus"), MediaTools.Ffprobe($"-show_entries stream=codec_name -of csv=p=0 \"{path}\"").Trim().TrimEnd(','));
            Assert.Equal("", MediaTools.DecodeErrors(path));
            Assert.Equal("", MediaTools.ProbeWarnings(path));
        }

        [Fact]
        public async Task DropsVideoBeforeTheFirstKeyFrame()
        {
            string path = Path.Combine(MediaTools.Files.Directory, "late-join.mkv");
            using (var source = await OpenAnnexBAndOggAsync())
            using (var muxer = new MatroskaMuxer(File.Create(path), source.Video, source.Audio))
            {
                var frames = await MediaTools.ReadAllAsync(source);
                // A recorder joining mid-stream sees P frames first: replay frames 1..29 (no IDR) ahead of the whole stream.
                var shift = TimeSpan.FromSeconds(1);
                foreach (var (frame, payload) in frames.Where(f => f.Frame.Kind == MediaTrackKind.Video).Skip(1).Take(29))
                    muxer.WriteFrame(new MediaFrame(frame.Kind, frame.Timestamp, frame.Duration, frame.IsKeyFrame, payload));
                foreach (var (frame, payload) in frames)
                    muxer.WriteFrame(new MediaFrame(frame.Kind, frame.Timestamp + shift, frame.Duration, frame.IsKeyFrame, payload));
            }
            Assert.Equal(90, MediaTools.PacketCount(path, "v:0"));
            Assert.Equal("", MediaTools.DecodeErrors(path));
        }

        [Fact]
        public async Task WritesToANonSeekablePipe()
        {
            using var source = await OpenAnnexBAndOggAsync();
            var pipe = new NonSeekableStream();
            using (var muxer = new MatroskaMuxer(pipe, source.Video, source.Audio, leaveOpen: true))
            {
                while (await source.ReadFrameAsync() is { } frame) muxer.WriteFrame(frame);
            }
            string path = Path.Combine(MediaTools.Files.Directory, "piped.mkv");
            File.WriteAllBytes(path, pipe.ToArray());
            Assert.Equal(90, MediaTools.PacketCount(path, "v:0"));
            Assert.Equal("", MediaTools.DecodeErrors(path));
        }
    }

    /// <summary>A write-only memory stream that cannot seek, like stdout.</summary>
    internal sealed class NonSeekableStream : MemoryStream
    {
        public override bool CanSeek => false;
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
