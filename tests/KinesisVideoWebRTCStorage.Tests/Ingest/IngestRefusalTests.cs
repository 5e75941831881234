using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Tests.Media;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    /// <summary>Bad input is refused with a clear, typed error before any media is sent, and nothing hangs.</summary>
    public class IngestRefusalTests
    {
        private static async Task<Exception> RefusedAsync(IngestHarness harness, IngestOptions options, KvsConnection? connection = null)
        {
            var watch = Stopwatch.StartNew();
            var error = await Record.ExceptionAsync(() => IngestSession.RunAsync(connection ?? harness.Emulator.Connect(), options));
            Assert.NotNull(error);
            Assert.False(error is IngestFailedException, $"refused only after starting: {error}");
            Assert.Empty(harness.Emulator.Server.ControlPlane.Joins);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
            return error!;
        }

        [Fact]
        public async Task AMissingFile()
        {
            await using var harness = await IngestHarness.StartAsync();
            var error = Assert.IsType<IngestMediaException>(await RefusedAsync(harness, harness.Options(TimeSpan.FromSeconds(1), o => o.Media.Path = "/nonexistent/clip.mkv")));
            Assert.True(error.NotFound);
            Assert.Contains("'/nonexistent/clip.mkv' does not exist", error.Message);
            Assert.Equal(("MediaFileNotFound", "ObjectNotFound"), (ErrorClassification.Of(error).ErrorId, ErrorClassification.Of(error).Category));
        }

        [Theory]
        [InlineData("vp8.webm", "-f lavfi -i testsrc=size=320x240:rate=30 -f lavfi -i sine -t 1 -c:v libvpx -c:a libopus", "V_VP8")]
        [InlineData("aac.mkv", "-f lavfi -i testsrc=size=320x240:rate=30 -f lavfi -i sine -t 1 -c:v libx264 -pix_fmt yuv420p -c:a aac", "A_AAC")]
        public async Task UnsupportedCodecs(string file, string encode, string codecId)
        {
            string path = Path.Combine(MediaTools.Files.Directory, file);
            if (!File.Exists(path)) MediaTools.Ffmpeg($"{encode} \"{path}\"");
            await using var harness = await IngestHarness.StartAsync();
            var error = Assert.IsType<IngestMediaException>(await RefusedAsync(harness, harness.Options(TimeSpan.FromSeconds(1), o => o.Media.Path = path)));
            Assert.Contains(codecId, error.Message);
            Assert.Contains("ffmpeg", error.Message); // says how to fix it
            Assert.Equal(("UnsupportedMedia", "InvalidData"), (ErrorClassification.Of(error).ErrorId, ErrorClassification.Of(error).Category));
        }

        [Fact]
        public async Task AChannelWithoutMediaStorage()
        {
            await using var harness = await IngestHarness.StartAsync();
            await harness.Emulator.Connect().ControlPlane().CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = "nostore" });
            var error = Assert.IsType<MediaStorageNotEnabledException>(await RefusedAsync(harness, new IngestOptions(ChannelReference.FromName("nostore")) { LoopbackOnly = true }));
            Assert.Equal("Channel 'nostore' has media storage DISABLED; link a stream with Update-KVMediaStorageConfiguration " +
                "(aws kinesisvideo update-media-storage-configuration).", error.Message);
        }

        [Fact]
        public async Task BadCredentials()
        {
            await using var harness = await IngestHarness.StartAsync();
            var error = Assert.IsType<AccessDeniedException>(await RefusedAsync(harness, harness.Options(TimeSpan.FromSeconds(1)), harness.Emulator.Connect(secretKey: "wrong-secret")));
            Assert.Equal(("AccessDeniedException", "PermissionDenied"), (ErrorClassification.Of(error).ErrorId, ErrorClassification.Of(error).Category));
            Assert.DoesNotContain("wrong-secret", error.Message);
        }

        [Fact]
        public async Task AnUnreachableEndpointTimesOutWithinTheBound()
        {
            await using var harness = await IngestHarness.StartAsync();
            var unreachable = KvsConnection.Create(new AwsConnectionOptions
            {
                AccessKey = "AKIDEXAMPLE",
                SecretKey = "secret",
                Region = "us-west-2",
                EndpointUrl = "http://127.0.0.1:9", // discard port: refused at once
                Timeout = TimeSpan.FromSeconds(2),
                Retry = new RetryPolicy(1, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20)),
            });
            var error = await RefusedAsync(harness, harness.Options(TimeSpan.FromSeconds(1)), unreachable);
            Assert.IsType<KinesisVideoConnectionException>(error);
            Assert.Equal("EndpointUnreachable", ErrorClassification.Of(error).ErrorId);
        }
    }
}
