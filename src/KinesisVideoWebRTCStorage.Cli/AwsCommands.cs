using System;
using System.CommandLine;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.Cli
{
    /// <summary>kvwebrtc endpoint / join: the same core calls as Get-KVSignalingEndpoint and Join-KVWebRTCStorageSession.</summary>
    internal static class AwsCommands
    {
        internal static readonly Option<string?> Region = new Option<string?>("--region") { Description = "AWS region (default: profile or environment)." };
        internal static readonly Option<string?> Profile = new Option<string?>("--profile") { Description = "Shared credentials profile." };
        internal static readonly Option<string?> EndpointUrl = new Option<string?>("--endpoint-url") { Description = "Control-plane endpoint, e.g. the local emulator." };

        public static Command Endpoint()
        {
            var channelArn = new Option<string?>("--channel-arn") { Description = "The channel's ARN." };
            var channelName = new Option<string?>("--channel-name") { Description = "The channel's name." };
            var role = new Option<ChannelRole>("--role") { Description = "MASTER or VIEWER.", DefaultValueFactory = _ => ChannelRole.MASTER };
            var command = new Command("endpoint", "Print a channel's WSS, HTTPS and WEBRTC endpoints as JSON.") { channelArn, channelName, role, Region, Profile, EndpointUrl };
            command.SetAction((result, cancellationToken) => RunAsync(async token =>
            {
                var arn = result.GetValue(channelArn);
                var name = result.GetValue(channelName);
                if ((arn == null) == (name == null)) throw new ArgumentException("Pass exactly one of --channel-arn and --channel-name.");
                var channel = arn != null ? ChannelReference.FromArn(arn) : ChannelReference.FromName(name!);
                var endpoints = await SignalingEndpointLookup.GetAsync(Connect(result).ControlPlane(), channel, result.GetValue(role),
                    SignalingEndpointLookup.AllProtocols, token);
                Console.WriteLine(JsonSerializer.Serialize(new EndpointOutput(endpoints), CliJsonContext.Printed.EndpointOutput));
            }, cancellationToken));
            return command;
        }

        public static Command Join()
        {
            var channelArn = new Option<string>("--channel-arn") { Description = "The channel's ARN.", Required = true };
            var clientId = new Option<string?>("--client-id") { Description = "Join as this viewer instead of the master." };
            var command = new Command("join", "Ask the storage service to join the channel's master (JoinStorageSession).") { channelArn, clientId, Region, Profile, EndpointUrl };
            command.SetAction((result, cancellationToken) => RunAsync(async token =>
            {
                var join = await StorageSessionJoin.RequestAsync(Connect(result), result.GetValue(channelArn)!, null, result.GetValue(clientId), token);
                Console.WriteLine($"{(join.ClientId == null ? "JoinStorageSession" : "JoinStorageSessionAsViewer")} accepted for {join.ChannelARN} at {join.Endpoint}.");
            }, cancellationToken));
            return command;
        }

        internal static KvsConnection Connect(ParseResult result) => KvsConnection.Create(new AwsConnectionOptions
        {
            Region = result.GetValue(Region),
            ProfileName = result.GetValue(Profile),
            EndpointUrl = result.GetValue(EndpointUrl),
        });

        internal static async Task<int> RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
        {
            try
            {
                await work(cancellationToken);
                return 0;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                var classification = ErrorClassification.Of(e);
                Console.Error.WriteLine($"kvwebrtc: {classification.ErrorId}: {e.Message}");
                // Nothing the user can act on: the trace is what a bug report needs.
                if (classification.ErrorId == "UnexpectedError") Console.Error.WriteLine("kvwebrtc: this is a defect; please report it with this trace:" + Environment.NewLine + e);
                return 1;
            }
        }
    }
}
