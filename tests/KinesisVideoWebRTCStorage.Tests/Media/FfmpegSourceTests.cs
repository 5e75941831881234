using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    [Collection(MediaTimingCollection.Name)]
    public class FfmpegSourceTests
    {
        private static bool IsRunning(int processId)
        {
            try
            {
                using var process = Process.GetProcessById(processId);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        [Fact]
        public async Task ALiveLavfiSourceYieldsFramesInRealTimeAndLeavesNoProcess()
        {
            var options = new FfmpegSourceOptions { InputArguments = "-re -f lavfi" };
            int processId;
            var clock = Stopwatch.StartNew();
            int video = 0, audio = 0;
            TimeSpan lastVideo = TimeSpan.Zero;
            using (var source = await FfmpegSource.OpenAsync("testsrc=size=320x240:rate=30[out0];sine=frequency=440[out1]", options))
            {
                processId = source.ProcessId;
                Assert.False(source.VideoCopied);
                Assert.Equal(320, source.Video!.Width);
                Assert.Equal(66, source.Video.Parsed.ProfileIdc);
                Assert.Equal(2, source.Audio!.Channels);
                clock.Restart();
                while (lastVideo < TimeSpan.FromSeconds(3) && await source.ReadFrameAsync() is { } frame)
                {
                    if (frame.Kind == MediaTrackKind.Video)
                    {
                        video++;
                        lastVideo = frame.Timestamp;
                    }
                    else
                    {
                        audio++;
                    }
                }
                Assert.True(IsRunning(processId));
            }
            // Real time: 3 s of media cannot arrive much sooner than 3 s after the first frame (ffmpeg has up to about
            // 0.8 s buffered by then; a file read would deliver it all in milliseconds). Only a lower bound: a busy
            // machine may be slower.
            Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1.5), $"3 s of live media arrived in {clock.Elapsed}");
            Assert.InRange(video, 85, 95);
            Assert.True(audio > 0, "the sine source's audio was interleaved");
            Assert.False(IsRunning(processId), "ffmpeg must be gone after Dispose");
        }

        [Fact]
        public async Task CancellationKillsFfmpeg()
        {
            using var source = await FfmpegSource.OpenAsync("testsrc=size=160x120:rate=30", new FfmpegSourceOptions { InputArguments = "-re -f lavfi" });
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                while (await source.ReadFrameAsync(cts.Token) != null)
                {
                }
            });
            Assert.True(source.ExitCode.HasValue || !IsRunning(source.ProcessId), "ffmpeg killed on cancellation");
        }

        [Fact]
        public async Task CopiesCompatibleH264AndEndsCleanlyWhenFfmpegExits()
        {
            using var source = await FfmpegSource.OpenAsync(MediaTools.Files.Mkv);
            Assert.True(source.VideoCopied);
            var frames = await MediaTools.ReadAllAsync(source);
            Assert.Equal(90, frames.Count(f => f.Frame.Kind == MediaTrackKind.Video));
            Assert.InRange(frames.Count(f => f.Frame.Kind == MediaTrackKind.Audio), 140, 160);
            Assert.Null(await source.ReadFrameAsync());
            await Task.Delay(100);
            Assert.Equal(0, source.ExitCode);
        }

        [Theory]
        [InlineData("-c:v mpeg4")]
        [InlineData("-c:v libx264 -pix_fmt yuv420p -profile:v main -bf 2")]
        [InlineData("-c:v libx264 -pix_fmt yuv420p -profile:v high -bf 0")]
        public async Task TranscodesWhatWebRtcCannotTake(string codec)
        {
            string path = Path.Combine(MediaTools.Files.Directory, $"ffmpeg-{codec.GetHashCode():x8}.mkv");
            MediaTools.Ffmpeg($"-f lavfi -i testsrc=size=96x64:rate=10 -t 1 {codec} \"{path}\"");
            using var source = await FfmpegSource.OpenAsync(path);
            Assert.False(source.VideoCopied);
            var frames = await MediaTools.ReadAllAsync(source);
            Assert.Equal(10, frames.Count);
            Assert.True(frames[0].Frame.IsKeyFrame);
            Assert.Equal(96, source.Video!.Width);
            Assert.Equal(66, source.Video.Parsed.ProfileIdc);
        }

        [Fact]
        public async Task ATruncatedInputEndsTheSourceWithFfmpegsComplaint()
        {
            var data = File.ReadAllBytes(MediaTools.Files.Mkv);
            string path = Path.Combine(MediaTools.Files.Directory, "cut-short.mkv");
            File.WriteAllBytes(path, data.AsSpan(0, data.Length / 2).ToArray());
            using var source = await FfmpegSource.OpenAsync(path);
            var frames = await MediaTools.ReadAllAsync(source);
            Assert.InRange(frames.Count, 10, 200);
            await Task.Delay(200);
            Assert.NotEqual("", source.LastErrorOutput);
        }

        [Fact]
        public async Task AMissingInputIsAnErrorCarryingFfmpegsMessage()
        {
            var ex = await Assert.ThrowsAsync<FfmpegException>(() => FfmpegSource.OpenAsync("/nonexistent/input.mkv"));
            Assert.Contains("No such file or directory", ex.Message);
        }

        [Fact]
        public async Task AMissingFfmpegNamesTheFix()
        {
            var options = new FfmpegSourceOptions { FfmpegPath = "/nonexistent/bin/ffmpeg" };
            var ex = await Assert.ThrowsAsync<FfmpegException>(() => FfmpegSource.OpenAsync("anything", options));
            Assert.Contains("install ffmpeg", ex.Message);
            Assert.Contains("PATH", ex.Message);
        }
    }
}
