using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.H264;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.H264
{
    public class H264AnnexBSourceTests
    {
        internal static List<int> NalTypes(byte[] accessUnit)
        {
            var types = new List<int>();
            ReadOnlySpan<byte> data = accessUnit;
            while (AnnexB.TryReadNal(ref data, out var nal)) types.Add(NalUnitType.Of(nal[0]));
            return types;
        }

        [Fact]
        public async Task FramesAccessUnitsAsFfprobeCountsThem()
        {
            string path = MediaTools.Files.VideoH264;
            using var source = await H264AnnexBSource.OpenAsync(File.OpenRead(path));
            var frames = await MediaTools.ReadAllAsync(source);

            Assert.Equal(MediaTools.PacketCount(path, "v:0"), frames.Count);
            Assert.Equal(90, frames.Count);
            Assert.Equal(new[] { 0, 30, 60 }, frames.Select((f, i) => (f, i)).Where(x => x.f.Frame.IsKeyFrame).Select(x => x.i));
            for (int i = 0; i < frames.Count; i++)
            {
                Assert.Equal(MediaTrackKind.Video, frames[i].Frame.Kind);
                Assert.Equal(TimeSpan.FromTicks((long)Math.Round(i * TimeSpan.TicksPerSecond / 30.0)), frames[i].Frame.Timestamp);
                var types = NalTypes(frames[i].Payload);
                Assert.Equal(frames[i].Frame.IsKeyFrame, types.Contains(NalUnitType.IdrSlice));
                if (frames[i].Frame.IsKeyFrame) Assert.Equal(new[] { 7, 8 }, types.Where(t => t == 7 || t == 8).Take(2));
            }
        }

        [Fact]
        public async Task KeepsTheSlicesOfOnePictureInOneAccessUnit()
        {
            string path = Path.Combine(MediaTools.Files.Directory, "slices.h264");
            MediaTools.Ffmpeg($"-f lavfi -i testsrc=size=320x240:rate=30 -t 1 -c:v libx264 -profile:v baseline -pix_fmt yuv420p -x264-params slices=4 -g 10 -f h264 \"{path}\"");
            using var source = await H264AnnexBSource.OpenAsync(File.OpenRead(path));
            var frames = await MediaTools.ReadAllAsync(source);
            Assert.Equal(30, frames.Count);
            Assert.Equal(MediaTools.PacketCount(path, "v:0"), frames.Count);
            Assert.All(frames, f => Assert.Equal(4, NalTypes(f.Payload).Count(t => t is 1 or 5)));
            Assert.Equal(3, frames.Count(f => f.Frame.IsKeyFrame));
        }

        [Fact]
        public async Task PrependsParameterSetsToIdrsThatLackThem()
        {
            // Without mp4toannexb-style repetition, only the first IDR carries SPS/PPS; the reader adds them to the rest.
            string mkv = MediaTools.Files.Mkv;
            string bare = Path.Combine(MediaTools.Files.Directory, "bare.h264");
            MediaTools.Ffmpeg($"-i \"{mkv}\" -map 0:v -c copy -bsf:v \"filter_units=remove_types=7|8\" -f h264 \"{bare}.noparams\"");
            // First AU from the original (with SPS/PPS), then the rest without them.
            var original = File.ReadAllBytes(MediaTools.Files.VideoH264);
            var stripped = File.ReadAllBytes(bare + ".noparams");
            int secondIdrInStripped = FindSecondIdr(stripped);
            int secondIdrInOriginal = FindSecondIdrAu(original);
            File.WriteAllBytes(bare, original.AsSpan(0, secondIdrInOriginal).ToArray().Concat(stripped.AsSpan(secondIdrInStripped).ToArray()).ToArray());

            using var source = await H264AnnexBSource.OpenAsync(File.OpenRead(bare), 30);
            var frames = await MediaTools.ReadAllAsync(source);
            Assert.Equal(90, frames.Count);
            Assert.All(frames.Where(f => f.Frame.IsKeyFrame), f => Assert.Equal(new[] { 7, 8, 5 }, NalTypes(f.Payload).Where(t => t is 5 or 7 or 8).Take(3)));
            Assert.Equal(3, frames.Count(f => f.Frame.IsKeyFrame));
        }

        private static int FindSecondIdr(byte[] data) => FindNthIdrStart(data, 2, includeParameterSets: false);

        private static int FindSecondIdrAu(byte[] data) => FindNthIdrStart(data, 2, includeParameterSets: true);

        /// <summary>Offset of the start code that begins the n-th IDR's access unit (its SPS when included).</summary>
        private static int FindNthIdrStart(byte[] data, int n, bool includeParameterSets)
        {
            int seen = 0, auStart = -1;
            for (int i = 0; i + 3 < data.Length; i++)
            {
                if (data[i] != 0 || data[i + 1] != 0 || data[i + 2] != 1) continue;
                int type = data[i + 3] & 0x1F;
                int start = i > 0 && data[i - 1] == 0 ? i - 1 : i;
                if (type == 9 || (includeParameterSets && type == 7)) auStart = start;
                if (type == 5 && (data[i + 4] & 0x80) != 0 && ++seen == n) return auStart >= 0 && (includeParameterSets || auStart > 0) ? auStart : start;
                if (type == 1) auStart = -1;
            }
            throw new InvalidOperationException("IDR not found");
        }

        [Fact]
        public async Task FramesByAccessUnitDelimitersAndReadsOneByteAtATime()
        {
            string path = Path.Combine(MediaTools.Files.Directory, "aud.h264");
            MediaTools.Ffmpeg($"-framerate 30 -i \"{MediaTools.Files.VideoH264}\" -c copy -bsf:v h264_metadata=aud=insert -f h264 \"{path}\"");
            using var plain = await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264));
            using var withAud = await H264AnnexBSource.OpenAsync(new TrickleStream(File.ReadAllBytes(path)));
            var expected = await MediaTools.ReadAllAsync(plain);
            var actual = await MediaTools.ReadAllAsync(withAud);

            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < actual.Count; i++)
            {
                Assert.Equal(9, NalTypes(actual[i].Payload)[0]);
                Assert.Equal(NalTypes(expected[i].Payload), NalTypes(actual[i].Payload).Skip(1));
                Assert.Equal(expected[i].Frame.Timestamp, actual[i].Frame.Timestamp);
            }
        }

        [Fact]
        public async Task SkipsFramesBeforeTheFirstIdr()
        {
            var data = File.ReadAllBytes(MediaTools.Files.VideoH264);
            int second = FindSecondIdrAu(data);
            // Cut into the middle of the first GOP: drop the first IDR and a few P frames after it.
            int cut = FindNthPStart(data, 5);
            var tail = data.AsSpan(cut).ToArray();
            using var source = await H264AnnexBSource.OpenAsync(new MemoryStream(tail), 30);
            var frames = await MediaTools.ReadAllAsync(source);
            Assert.True(frames[0].Frame.IsKeyFrame);
            Assert.Equal(60, frames.Count);
            Assert.True(second > cut);
        }

        private static int FindNthPStart(byte[] data, int n)
        {
            int seen = 0;
            for (int i = 0; i + 4 < data.Length; i++)
            {
                if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && (data[i + 3] & 0x1F) == 1 && ++seen == n) return i;
            }
            throw new InvalidOperationException("P frame not found");
        }

        [Theory]
        [InlineData(new byte[] { 0x12, 0x34, 0x00, 0x00, 0x01, 0x09, 0xF0 }, "before the first start code")]
        [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00 }, "no start code")]
        [InlineData(new byte[] { 0x00, 0x00, 0x01, 0x88, 0x84 }, "forbidden_zero_bit")]
        [InlineData(new byte[] { 0x00, 0x00, 0x01, 0x65, 0x88, 0x84 }, "IDR slice before any SPS and PPS")]
        [InlineData(new byte[] { 0x00, 0x00, 0x01, 0x41, 0x9A }, "no IDR")]
        public async Task RejectsGarbage(byte[] data, string message)
        {
            var ex = await Assert.ThrowsAsync<H264FormatException>(() => H264AnnexBSource.OpenAsync(new MemoryStream(data), 30));
            Assert.Contains(message, ex.Message);
        }

        [Fact]
        public async Task RejectsOversizedNalUnitWithoutReadingItAll()
        {
            var stream = new EndlessStream(new byte[] { 0, 0, 1, 0x65 }, 0x42);
            var ex = await Assert.ThrowsAsync<H264FormatException>(() => H264AnnexBSource.OpenAsync(stream, 30));
            Assert.Contains("longer than", ex.Message);
            Assert.True(stream.Position < 3L * H264AnnexBSource.MaxAccessUnitLength);
        }

        [Fact]
        public async Task HonoursCancellation()
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264), null, false, cts.Token));
        }
    }

    /// <summary>Returns at most one byte per read, like a slow pipe.</summary>
    internal sealed class TrickleStream : MemoryStream
    {
        public TrickleStream(byte[] data) : base(data) { }

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(1, count), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer.Slice(0, Math.Min(1, buffer.Length)), cancellationToken);
    }

    /// <summary>A prefix followed by an endless run of one byte, counting what was read.</summary>
    internal sealed class EndlessStream : Stream
    {
        private readonly byte[] _prefix;
        private readonly byte _fill;

        public EndlessStream(byte[] prefix, byte fill)
        {
            _prefix = prefix;
            _fill = fill;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++, Position++) buffer[offset + i] = Position < _prefix.Length ? _prefix[Position] : _fill;
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get; set; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
