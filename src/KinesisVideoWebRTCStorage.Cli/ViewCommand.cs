using System;
using System.CommandLine;
using System.Text.Json;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Viewer;

namespace KinesisVideoWebRTCStorage.Cli
{
    /// <summary>`kvwebrtc view`: a viewer of the channel's storage session, with a JSON summary on stdout.</summary>
    internal static class ViewCommand
    {
        public static Command Create()
        {
            var channelArn = new Option<string?>("--channel-arn") { Description = "The channel's ARN." };
            var channelName = new Option<string?>("--channel-name") { Description = "The channel's name." };
            var clientId = new Option<string>("--client-id") { Description = "The viewer's client id: 1 to 256 of [a-zA-Z0-9_.-].", Required = true };
            var output = new Option<string?>("--output") { Description = "Matroska file (.mkv) for the master's video and the audio heard." };
            var audioPath = new Option<string?>("--audio-path") { Description = "An Opus file to speak (Ogg, or Matroska/WebM audio); without it, --input-uri and --tone the viewer only listens." };
            var inputUri = new Option<string?>("--input-uri") { Description = "Anything ffmpeg reads, e.g. a microphone (--input-format alsa --input-uri default): its audio is spoken, as Opus." };
            var inputFormat = new Option<string?>("--input-format") { Description = "ffmpeg's -f for --input-uri: alsa, pulse, dshow, avfoundation, lavfi, ..." };
            var loop = new Option<bool>("--loop") { Description = "Start --audio-path or --input-uri over when it ends." };
            var tone = new Option<bool>("--tone") { Description = "Speak the built-in 880 Hz tone." };
            var duration = new Option<double?>("--duration") { Description = "Seconds to stay once connected; until stopped when omitted." };
            var verbose = new Option<bool>("--verbose") { Description = "Trace every step with timings to stderr." };
            var command = new Command("view", "Join the channel's storage session as a viewer: record the master's video and the audio heard, and speak.")
            {
                channelArn, channelName, clientId, output, audioPath, inputUri, inputFormat, tone, loop, duration, verbose,
                AwsCommands.Region, AwsCommands.Profile, AwsCommands.EndpointUrl,
            };
            command.SetAction((result, cancellationToken) => AwsCommands.RunAsync(async token =>
            {
                var arn = result.GetValue(channelArn);
                var name = result.GetValue(channelName);
                if ((arn == null) == (name == null)) throw new ArgumentException("Pass exactly one of --channel-arn and --channel-name.");
                var options = new ViewerOptions(arn != null ? ChannelReference.FromArn(arn) : ChannelReference.FromName(name!), result.GetValue(clientId)!)
                {
                    OutFile = result.GetValue(output),
                    AudioPath = result.GetValue(audioPath),
                    InputUri = result.GetValue(inputUri),
                    InputFormat = result.GetValue(inputFormat),
                    Tone = result.GetValue(tone),
                    Loop = result.GetValue(loop),
                    Duration = result.GetValue(duration) is double seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null,
                    LoopbackOnly = IngestOptions.IsLoopbackEndpoint(result.GetValue(AwsCommands.EndpointUrl)),
                    Trace = result.GetValue(verbose) ? line => Console.Error.WriteLine(line) : (Action<string>?)null,
                };
                var viewed = await ViewerSession.RunAsync(AwsCommands.Connect(result), options, token);
                Console.WriteLine(JsonSerializer.Serialize(new ViewerOutput(viewed), CliJsonContext.Printed.ViewerOutput));
                foreach (string warning in viewed.Warnings) Console.Error.WriteLine("kvwebrtc: warning: " + warning);
                if (viewed.EndReason == ViewerEndReason.Failed) throw new ViewerFailedException(viewed);
            }, cancellationToken));
            return command;
        }
    }
}
