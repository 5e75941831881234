using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.H264;
using KinesisVideoWebRTCStorage.Media.Matroska;
using KinesisVideoWebRTCStorage.Media.Ogg;
using KinesisVideoWebRTCStorage.Tests.Media.H264;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.Matroska
{
    public class MatroskaDemuxerTests
    {
        internal static byte[] OpusHeadOf(string oggPath)
        {
            using var ogg = OggOpusSource.OpenAsync(File.OpenRead(oggPath)).GetAwaiter().GetResult();
            return ogg.Audio!.OpusHead;
        }

        /// <summary>A CELT 20 ms Opus packet of the given size.</summary>
        private static byte[] Packet(int size, byte fill) => new[] { (byte)0xF8 }.Concat(Enumerable.Repeat(fill, size - 1)).ToArray();

        [Fact]
        public async Task DemuxesWhatFfmpegMuxedLikeTheElementaryStreams()
        {
            using var demuxer = await MatroskaDemuxer.OpenAsync(File.OpenRead(MediaTools.Files.Mkv));
            using var annexB = await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264));
            using var ogg = await OggOpusSource.OpenAsync(File.OpenRead(MediaTools.Files.AudioOgg));
            var frames = await MediaTools.ReadAllAsync(demuxer);
            var video = frames.Where(f => f.Frame.Kind == MediaTrackKind.Video).ToList();
            var audio = frames.Where(f => f.Frame.Kind == MediaTrackKind.Audio).ToList();
            var expectedVideo = await MediaTools.ReadAllAsync(annexB);
            var expectedAudio = await MediaTools.ReadAllAsync(ogg);

            Assert.Equal(annexB.Video!.ProfileLevelId, demuxer.Video!.ProfileLevelId);
            Assert.Equal(640, demuxer.Video.Width);
            Assert.Equal(ogg.Audio!.PreSkip, demuxer.Audio!.PreSkip);
            Assert.Equal(expectedVideo.Count, video.Count);
            Assert.Equal(expectedAudio.Count, audio.Count);
            for (int i = 0; i < video.Count; i++)
            {
                Assert.Equal(expectedVideo[i].Payload, video[i].Payload);
                Assert.Equal(expectedVideo[i].Frame.IsKeyFrame, video[i].Frame.IsKeyFrame);
            }
            for (int i = 0; i < audio.Count; i++) Assert.Equal(expectedAudio[i].Payload, audio[i].Payload);

            // Timestamps as ffprobe reports them (ms resolution in Matroska), frames in timestamp order.
            var probed = MediaTools.Ffprobe($"-show_entries packet=stream_index,pts_time -of csv=p=0 \"{MediaTools.Files.Mkv}\"")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(','))
                .Select(f => (Video: f[0] == "0", Seconds: double.Parse(f[1], CultureInfo.InvariantCulture))).ToList();
            // ffprobe rounds the 6.5 ms Opus CodecDelay to whole milliseconds; the demuxer keeps it exact.
            AssertClose(probed.Where(p => p.Video).Select(p => p.Seconds).ToList(), video);
            AssertClose(probed.Where(p => !p.Video).Select(p => p.Seconds).ToList(), audio);
        }

        private static void AssertClose(System.Collections.Generic.List<double> expectedSeconds, System.Collections.Generic.List<(MediaFrame Frame, byte[] Payload)> frames)
        {
            Assert.Equal(expectedSeconds.Count, frames.Count);
            for (int i = 0; i < frames.Count; i++) Assert.InRange(frames[i].Frame.Timestamp.TotalSeconds - expectedSeconds[i], -0.0005001, 0.0005001);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public async Task SplitsLacedBlocksInUnknownSizeClustersFromAPipe(int lacing)
        {
            var head = OpusHeadOf(MediaTools.Files.AudioOgg);
            bool fixedSize = lacing == 2;
            var a = Packet(fixedSize ? 40 : 300, 1);
            var b = Packet(40, 2);
            var c = Packet(fixedSize ? 40 : 7, 3);
            using var mkv = new MkvBuilder().Header("webm").LiveSegment().Tracks("A_OPUS", head, codecDelayNs: 6_500_000)
                .LiveCluster(1000).SimpleBlock(0, lacing, a, b, c).BlockGroup(60, lacing, c, b, a)
                .Element(MatroskaIds.Void, new byte[3])
                .LiveCluster(2000).SimpleBlock(-5, 0, b)
                .Element(MatroskaIds.Cues, new byte[4]);
            using var demuxer = await MatroskaDemuxer.OpenAsync(new TrickleStream(mkv.ToArray()));
            var frames = await MediaTools.ReadAllAsync(demuxer);

            Assert.Null(demuxer.Video);
            Assert.Equal(new[] { a, b, c, c, b, a, b }, frames.Select(f => f.Payload));
            double[] expectedMs = { 1000, 1020, 1040, 1060, 1080, 1100, 1995 };
            Assert.Equal(expectedMs.Select(ms => ms - 6.5), frames.Select(f => f.Frame.Timestamp.TotalMilliseconds));
            Assert.All(frames, f => Assert.Equal(TimeSpan.FromMilliseconds(20), f.Frame.Duration));
        }

        [Fact]
        public async Task RefusesOtherCodecsNamingTheCodecAndTheFix()
        {
            string path = Path.Combine(MediaTools.Files.Directory, "mpeg4.mkv");
            MediaTools.Ffmpeg($"-f lavfi -i testsrc=size=64x64:rate=5 -t 1 -c:v mpeg4 \"{path}\"");
            var ex = await Assert.ThrowsAsync<MatroskaFormatException>(() => MatroskaDemuxer.OpenAsync(File.OpenRead(path)));
            Assert.Contains("V_MPEG4/ISO/ASP", ex.Message);
            Assert.Contains("re-encode with ffmpeg (e.g. ffmpeg -i in -c:v libx264 -c:a libopus out.mkv), or use -InputUri, which transcodes", ex.Message);

            using var mkv = new MkvBuilder().Header().LiveSegment().Tracks("A_VORBIS", new byte[] { 2 });
            var vorbis = await Assert.ThrowsAsync<MatroskaFormatException>(() => MatroskaDemuxer.OpenAsync(new MemoryStream(mkv.ToArray())));
            Assert.Contains("audio codec A_VORBIS", vorbis.Message);
        }

        [Fact]
        public async Task RejectsDeeplyNestedAndOverlongElements()
        {
            var head = OpusHeadOf(MediaTools.Files.AudioOgg);
            // 10,000 nested unknown-size clusters: each simply starts the next cluster, without recursion.
            using var nested = new MkvBuilder().Header().LiveSegment().Tracks("A_OPUS", head);
            for (int i = 0; i < 10_000; i++) nested.Raw(0x1F, 0x43, 0xB6, 0x75, 0xFF);
            nested.Raw(0xA3, 0x84, 0x81, 0x00, 0x00, 0x80); // a block without a cluster Timestamp
            var ex = await Assert.ThrowsAsync<MatroskaFormatException>(async () => await MediaTools.ReadAllAsync(await MatroskaDemuxer.OpenAsync(new MemoryStream(nested.ToArray()))));
            Assert.Contains("before its Cluster Timestamp", ex.Message);

            // A known-size master nested 10,000 deep inside Tracks is only ever read as bytes: no recursion, no crash.
            var deep = new byte[0];
            for (int i = 0; i < 10_000; i++) deep = new byte[] { 0xE0 }.Concat(Size(deep.Length)).Concat(deep).ToArray();
            using var deepTracks = new MkvBuilder().Header().LiveSegment().Element(MatroskaIds.Tracks, deep);
            var deepEx = await Assert.ThrowsAsync<MatroskaFormatException>(() => MatroskaDemuxer.OpenAsync(new MemoryStream(deepTracks.ToArray())));
            Assert.Contains("no video or audio track", deepEx.Message);

            // A block claiming 2^56 bytes.
            using var huge = new MkvBuilder().Header().LiveSegment().Tracks("A_OPUS", head).LiveCluster(0).Raw(0xA3, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE);
            var hugeEx = await Assert.ThrowsAsync<MatroskaFormatException>(async () => await MediaTools.ReadAllAsync(await MatroskaDemuxer.OpenAsync(new MemoryStream(huge.ToArray()))));
            Assert.Contains("larger than the limit", hugeEx.Message);

            // A block running past the end of the stream.
            using var cut = new MkvBuilder().Header().LiveSegment().Tracks("A_OPUS", head).LiveCluster(0).Raw(0xA3, 0x90, 0x81, 0, 0, 0x80, 0xF8);
            var cutEx = await Assert.ThrowsAsync<MatroskaFormatException>(async () => await MediaTools.ReadAllAsync(await MatroskaDemuxer.OpenAsync(new MemoryStream(cut.ToArray()))));
            Assert.Contains("ends inside a SimpleBlock", cutEx.Message);
        }

        private static byte[] Size(int length) => new byte[] { 0x08, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length };

        [Theory]
        [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x84, 0x42, 0x82, 0x81, 0x78 }, "DocType 'x'")]
        [InlineData(new byte[] { 0x00, 0x00 }, "no EBML header")]
        [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x88 }, "ends inside the EBML header")]
        public async Task RejectsNonMatroska(byte[] data, string message)
        {
            var ex = await Assert.ThrowsAsync<MatroskaFormatException>(() => MatroskaDemuxer.OpenAsync(new MemoryStream(data)));
            Assert.Contains(message, ex.Message);
        }
    }
}
