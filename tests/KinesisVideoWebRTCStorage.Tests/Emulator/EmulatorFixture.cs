using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.Emulator;
using KinesisVideoWebRTCStorage.Signaling;

namespace KinesisVideoWebRTCStorage.Tests.Emulator
{
    /// <summary>An in-process emulator and signed clients for it.</summary>
    public sealed class EmulatorHarness : IAsyncDisposable
    {
        private EmulatorHarness(EmulatorServer server)
        {
            Server = server;
        }

        public EmulatorServer Server { get; }
        public string Endpoint => Server.EndpointUrl.ToString().TrimEnd('/');
        public ImmutableCredentials Credentials => new ImmutableCredentials(Server.Options.AccessKey, Server.Options.SecretKey, null);

        public static async Task<EmulatorHarness> StartAsync(Action<EmulatorOptions>? configure = null)
        {
            var options = new EmulatorOptions();
            configure?.Invoke(options);
            return new EmulatorHarness(await EmulatorServer.StartAsync(options));
        }

        public KvsConnection Connect(string? secretKey = null) => KvsConnection.Create(new AwsConnectionOptions
        {
            AccessKey = Server.Options.AccessKey,
            SecretKey = secretKey ?? Server.Options.SecretKey,
            Region = Server.Options.Region,
            EndpointUrl = Endpoint,
            Retry = new KinesisVideoWebRTCStorage.Aws.RetryPolicy(3, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20)),
        });

        /// <summary>A channel with a linked stream: (channel ARN, stream ARN).</summary>
        public async Task<(string Channel, string Stream)> CreateStorageChannelAsync(string name)
        {
            var client = Connect().ControlPlane();
            var streamArn = await client.CreateStreamAsync(new CreateStreamRequest { StreamName = name + "-stream", DataRetentionInHours = 24 });
            var channelArn = await client.CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = name });
            await client.UpdateMediaStorageConfigurationAsync(channelArn, new MediaStorageConfiguration { Status = "ENABLED", StreamARN = streamArn });
            return (channelArn, streamArn);
        }

        public Task<SignalingConnection> MasterAsync(string channelArn) =>
            SignalingConnection.ConnectAsync(SignalingUrl.ForMaster(Server.WebSocketUrl, channelArn, Credentials, Server.Options.Region), TimeSpan.FromSeconds(10), CancellationToken.None);

        public Task<SignalingConnection> ViewerAsync(string channelArn, string clientId) =>
            SignalingConnection.ConnectAsync(SignalingUrl.ForViewer(Server.WebSocketUrl, channelArn, clientId, Credentials, Server.Options.Region), TimeSpan.FromSeconds(10), CancellationToken.None);

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
