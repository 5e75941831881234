using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.Hosting;
using KinesisVideoWebRTCStorage.Tests.PowerShell;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Hosting
{
    /// <summary>The emulator as Start-KVLocalEmulator runs it: a kvwebrtc child process.</summary>
    public class LocalEmulatorTests
    {
        private static readonly string CliPath = Path.Combine(ModuleMetadata.RepoRoot, "module", "emulator", "kvwebrtc.dll");

        [Fact]
        public async Task StartsServesAndStopsWithoutLeavingAProcess()
        {
            var emulator = await LocalEmulator.StartAsync(new LocalEmulatorStartInfo(CliPath), default);
            try
            {
                Assert.StartsWith("http://127.0.0.1:", emulator.EndpointUrl);
                Assert.Equal("us-west-2", emulator.Region);
                Assert.Contains(emulator, LocalEmulator.Running);
                var client = KvsConnection.Create(new AwsConnectionOptions
                {
                    AccessKey = emulator.AccessKey, SecretKey = emulator.SecretKey, Region = emulator.Region, EndpointUrl = emulator.EndpointUrl,
                }).ControlPlane();
                var arn = await client.CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = "child" });
                Assert.Equal(arn, (await client.DescribeSignalingChannelAsync(ChannelReference.FromName("child"))).ChannelARN);
            }
            finally
            {
                await emulator.StopAsync(TimeSpan.FromSeconds(10));
            }
            Assert.True(emulator.HasExited);
            Assert.DoesNotContain(emulator, LocalEmulator.Running);
            Assert.Throws<ArgumentException>(() => Process.GetProcessById(emulator.ProcessId));
        }

        [Fact]
        public async Task APortInUseGivesTheEmulatorsOwnExplanation()
        {
            var first = await LocalEmulator.StartAsync(new LocalEmulatorStartInfo(CliPath), default);
            try
            {
                var port = new Uri(first.EndpointUrl).Port;
                var error = await Assert.ThrowsAsync<LocalEmulatorStartException>(() => LocalEmulator.StartAsync(new LocalEmulatorStartInfo(CliPath) { Port = port }, default));
                Assert.Contains($"Port {port} on 127.0.0.1 is already in use", error.Message);
            }
            finally
            {
                await first.StopAsync(TimeSpan.FromSeconds(10));
            }
        }

        [Fact]
        public async Task AMissingHostIsAClearError()
        {
            var error = await Assert.ThrowsAsync<LocalEmulatorStartException>(() => LocalEmulator.StartAsync(new LocalEmulatorStartInfo("/nonexistent/kvwebrtc.dll"), default));
            Assert.Contains("build the solution", error.Message);
        }

        [Fact]
        public async Task StorageChannelsAreCreatedWithMediaStorageEnabled()
        {
            var info = new LocalEmulatorStartInfo(CliPath);
            info.StorageChannels.Add("pre-made");
            var emulator = await LocalEmulator.StartAsync(info, default);
            try
            {
                var client = KvsConnection.Create(new AwsConnectionOptions
                {
                    AccessKey = emulator.AccessKey, SecretKey = emulator.SecretKey, Region = emulator.Region, EndpointUrl = emulator.EndpointUrl,
                }).ControlPlane();
                var storage = await client.DescribeMediaStorageConfigurationAsync(ChannelReference.FromName("pre-made"));
                Assert.True(storage.IsEnabled);
                Assert.Equal("pre-made-stream", (await client.DescribeStreamAsync(null, storage.StreamARN)).StreamName);
            }
            finally
            {
                await emulator.StopAsync(TimeSpan.FromSeconds(10));
            }
        }
    }
}
