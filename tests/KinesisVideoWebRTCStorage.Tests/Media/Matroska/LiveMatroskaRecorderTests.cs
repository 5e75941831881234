using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.H264;
using KinesisVideoWebRTCStorage.Media.Matroska;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.Matroska
{
    public class LiveMatroskaRecorderTests
    {
        /// <summary>Records the 90-frame fixture with the given receive timestamp for each frame.</summary>
        private static async Task<(string Path, LiveMatroskaRecorder Recorder)> RecordAsync(string name, Func<int, TimeSpan> timestampOf)
        {
            string path = Path.Combine(MediaTools.Files.Directory, name);
            var recorder = new LiveMatroskaRecorder(() => File.Create(path), withAudio: false);
            using (var source = await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264)))
            using (recorder)
            {
                int i = 0;
                while (await source.ReadFrameAsync() is { } frame)
                {
                    recorder.Write(MediaTrackKind.Video, frame.Payload.Span, TimeSpan.FromHours(1) + timestampOf(i), frame.IsKeyFrame);
                    i++;
                }
            }
            return (path, recorder);
        }

        private static double[] PacketTimes(string path) =>
            MediaTools.Ffprobe($"-select_streams v:0 -show_entries packet=pts_time -of csv=p=0 \"{path}\"")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => double.Parse(l.Trim().TrimEnd(','), CultureInfo.InvariantCulture)).ToArray();

        [Fact]
        public async Task AFrameWithinTheSameMillisecondAsTheOneBeforeIsKeptAndMovedOnSoTimeNeverStandsStill()
        {
            // A browser's capture clock: frames 5 and 6 follow frame 4 by 0.1 and 0.15 ms, all in the file's millisecond 133.
            var (path, recorder) = await RecordAsync("live-jitter.mkv", i => TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30)
                + (i == 5 ? TimeSpan.FromTicks(-TimeSpan.TicksPerSecond / 30 + 1000) : TimeSpan.Zero)
                + (i == 6 ? TimeSpan.FromTicks(-2 * TimeSpan.TicksPerSecond / 30 + 1500) : TimeSpan.Zero));

            Assert.Equal(90, recorder.VideoFrames);
            Assert.Equal(0, recorder.FramesDropped);
            Assert.Equal("", MediaTools.DecodeErrors(path));
            double[] times = PacketTimes(path);
            Assert.Equal(90, times.Length);
            for (int i = 1; i < times.Length; i++) Assert.True(times[i] > times[i - 1], $"packet {i} at {times[i]} s after {times[i - 1]} s");
            Assert.Equal(new[] { 4 / 30.0, 4 / 30.0 + 0.001, 4 / 30.0 + 0.002 }.Select(t => Math.Round(t, 3)), times.Skip(4).Take(3).Select(t => Math.Round(t, 3)));
        }

        [Fact]
        public async Task AFrameThatDoesNotMoveForwardIsDroppedAndCounted()
        {
            var (path, recorder) = await RecordAsync("live-backwards.mkv", i => TimeSpan.FromTicks((i == 7 ? 2 : i) * TimeSpan.TicksPerSecond / 30));

            Assert.Equal(89, recorder.VideoFrames);
            Assert.Equal(1, recorder.FramesDropped);
            double[] times = PacketTimes(path);
            Assert.Equal(89, times.Length);
            for (int i = 1; i < times.Length; i++) Assert.True(times[i] > times[i - 1], $"packet {i} at {times[i]} s after {times[i - 1]} s");
        }

        [Fact]
        public async Task NothingIsWrittenBeforeTheFirstKeyframeAndTheFileStartsAtZero()
        {
            // The recorder joins mid-stream: the first 10 frames arrive before any keyframe that opens the file.
            string path = Path.Combine(MediaTools.Files.Directory, "live-late.mkv");
            var recorder = new LiveMatroskaRecorder(() => File.Create(path), withAudio: false);
            using (var source = await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264)))
            using (recorder)
            {
                int i = 0;
                while (await source.ReadFrameAsync() is { } frame)
                {
                    if (i++ < 10) continue;
                    recorder.Write(MediaTrackKind.Video, frame.Payload.Span, TimeSpan.FromTicks(i * TimeSpan.TicksPerSecond / 30), frame.IsKeyFrame);
                    Assert.Equal(i > 30, recorder.Started);
                }
            }
            Assert.Equal(60, recorder.VideoFrames);
            Assert.Equal(20, recorder.FramesDropped);
            Assert.Equal(0.0, PacketTimes(path)[0]);
            Assert.Equal("", MediaTools.DecodeErrors(path));
        }
    }
}
