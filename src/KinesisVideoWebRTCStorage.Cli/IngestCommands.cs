using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.Emulator;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.WebRtc.Ice;

namespace KinesisVideoWebRTCStorage.Cli
{
    /// <summary>kvwebrtc ingest and kvwebrtc demo: the same core ingest path as Start-KVWebRTCIngest.</summary>
    internal static class IngestCommands
    {
        public static Command Ingest()
        {
            var channelArn = new Option<string?>("--channel-arn") { Description = "The channel's ARN." };
            var channelName = new Option<string?>("--channel-name") { Description = "The channel's name." };
            var path = new Option<string?>("--path") { Description = "A Matroska/WebM file with H.264 and Opus." };
            var videoPath = new Option<string?>("--video-path") { Description = "An H.264 Annex-B file (with --audio-path)." };
            var audioPath = new Option<string?>("--audio-path") { Description = "An Ogg Opus file (with --video-path); silence when omitted." };
            var inputUri = new Option<string?>("--input-uri") { Description = "Anything ffmpeg reads, e.g. rtsp://camera/stream." };
            var inputFormat = new Option<string?>("--input-format") { Description = "ffmpeg's -f for --input-uri: dshow, v4l2, avfoundation, lavfi, ..." };
            var inputOptions = new Option<string?>("--input-options") { Description = "ffmpeg options before -i for --input-uri, e.g. \"-rtsp_transport tcp\"." };
            var requireAudio = new Option<bool>("--require-audio") { Description = "Refuse media without audio instead of sending silence with the video." };
            var videoBitrate = new Option<int?>("--video-bitrate") { Description = "kbit/s: the ceiling for video ffmpeg transcodes from --input-uri (2500 when omitted); the encoder follows the uplink below it." };
            var congestionControl = new Option<string>("--congestion-control")
            {
                Description = "on (default): estimate the uplink, pace, adapt the encoder and thin pre-encoded video to it; off: send everything as it comes.",
                DefaultValueFactory = _ => "on",
            };
            congestionControl.AcceptOnlyFromAmong("on", "off");
            var duration = new Option<double?>("--duration") { Description = "Seconds of media to send; until the media ends when omitted." };
            var loop = new Option<bool>("--loop") { Description = "Start the file over when it ends." };
            var policy = new Option<IceTransportPolicy>("--ice-transport-policy") { Description = "All or Relay (TURN only).", DefaultValueFactory = _ => IceTransportPolicy.All };
            var receivedAudioPath = new Option<string?>("--received-audio-path")
            {
                Description = "Save the audio the master hears when the storage session offers two-way audio: .ogg/.opus (Ogg Opus) or .mkv/.mka (Matroska).",
            };
            var verbose = new Option<bool>("--verbose") { Description = "Trace every step with timings to stderr." };
            var command = new Command("ingest", "Stream media into the channel's storage session (test pattern when no media is given).")
            {
                channelArn, channelName, path, videoPath, audioPath, inputUri, inputFormat, inputOptions, requireAudio, videoBitrate, congestionControl, duration, loop, policy, receivedAudioPath, verbose,
                AwsCommands.Region, AwsCommands.Profile, AwsCommands.EndpointUrl,
            };
            command.SetAction((result, cancellationToken) => AwsCommands.RunAsync(async token =>
            {
                var arn = result.GetValue(channelArn);
                var name = result.GetValue(channelName);
                if ((arn == null) == (name == null)) throw new ArgumentException("Pass exactly one of --channel-arn and --channel-name.");
                var endpointUrl = result.GetValue(AwsCommands.EndpointUrl);
                var options = new IngestOptions(arn != null ? ChannelReference.FromArn(arn) : ChannelReference.FromName(name!))
                {
                    Media = new IngestMediaOptions
                    {
                        Path = result.GetValue(path),
                        VideoPath = result.GetValue(videoPath),
                        AudioPath = result.GetValue(audioPath),
                        InputUri = result.GetValue(inputUri),
                        InputFormat = result.GetValue(inputFormat),
                        InputOptions = result.GetValue(inputOptions),
                        RequireAudio = result.GetValue(requireAudio),
                        Loop = result.GetValue(loop),
                        VideoBitrate = result.GetValue(videoBitrate) * 1000L,
                    },
                    CongestionControl = result.GetValue(congestionControl) != "off",
                    Duration = result.GetValue(duration) is double seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null,
                    IceTransportPolicy = result.GetValue(policy),
                    LoopbackOnly = IngestOptions.IsLoopbackEndpoint(endpointUrl),
                    ReceivedAudioPath = result.GetValue(receivedAudioPath),
                    Progress = p => Console.Error.WriteLine("kvwebrtc: " + p),
                    Trace = result.GetValue(verbose) ? line => Console.Error.WriteLine(line) : (Action<string>?)null,
                };
                using var memory = new YoungGenerationBound();
                var ingest = await RunIngestAsync(AwsCommands.Connect(result), options, token);
                Console.WriteLine(JsonSerializer.Serialize(new IngestOutput(ingest), CliJsonContext.Printed.IngestOutput));
                foreach (string warning in ingest.Warnings) Console.Error.WriteLine("kvwebrtc: warning: " + warning);
                if (ingest.EndReason == IngestEndReason.Failed) throw new IngestFailedException(ingest.Error ?? "Ingest failed.", ingest);
            }, cancellationToken));
            return command;
        }

        public static Command Demo()
        {
            var seconds = new Option<double>("--duration") { Description = "Seconds of test pattern to ingest.", DefaultValueFactory = _ => 10 };
            var output = new Option<string?>("--output") { Description = "Folder for the recording (default: a new folder under the temp directory)." };
            var verbose = new Option<bool>("--verbose") { Description = "Trace every step with timings to stderr." };
            var command = new Command("demo", "Start the emulator in-process, create a channel with storage, ingest the test pattern and print where it was recorded.")
            {
                seconds, output, verbose,
            };
            command.SetAction((result, cancellationToken) => AwsCommands.RunAsync(token =>
                RunDemoAsync(TimeSpan.FromSeconds(result.GetValue(seconds)), result.GetValue(output), result.GetValue(verbose), token), cancellationToken));
            return command;
        }

        private static async Task RunDemoAsync(TimeSpan duration, string? output, bool verbose, CancellationToken cancellationToken)
        {
            string recordings = Path.GetFullPath(output ?? Path.Combine(Path.GetTempPath(), "kvwebrtc-demo-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss")));
            var emulatorOptions = new EmulatorOptions { RecordingsDirectory = recordings };
            if (verbose) emulatorOptions.Log = line => Console.Error.WriteLine("emulator: " + line);
            await using var emulator = await EmulatorServer.StartAsync(emulatorOptions, cancellationToken);
            string endpoint = emulator.EndpointUrl.ToString().TrimEnd('/');
            Console.WriteLine($"1. Local Kinesis Video emulator started at {endpoint}.");

            var connection = KvsConnection.Create(new AwsConnectionOptions
            {
                AccessKey = emulatorOptions.AccessKey,
                SecretKey = emulatorOptions.SecretKey,
                Region = emulatorOptions.Region,
                EndpointUrl = endpoint,
            });
            var client = connection.ControlPlane();
            var streamArn = await client.CreateStreamAsync(new CreateStreamRequest { StreamName = "demo-stream", DataRetentionInHours = 24 }, cancellationToken);
            var channelArn = await client.CreateSignalingChannelAsync(new CreateSignalingChannelRequest { ChannelName = "demo-channel" }, cancellationToken);
            await client.UpdateMediaStorageConfigurationAsync(channelArn, new MediaStorageConfiguration { Status = "ENABLED", StreamARN = streamArn }, cancellationToken);
            Console.WriteLine($"2. Created stream {streamArn}");
            Console.WriteLine($"   and channel {channelArn} with media storage enabled.");
            Console.WriteLine($"3. Ingesting {duration.TotalSeconds:0.#} s of the built-in test pattern (H.264 640x480 30 fps + Opus) over WebRTC...");

            var ingest = await RunIngestAsync(connection, new IngestOptions(ChannelReference.FromArn(channelArn))
            {
                Duration = duration,
                LoopbackOnly = true,
                Progress = p => Console.Error.WriteLine("   " + p),
                Trace = verbose ? line => Console.Error.WriteLine(line) : (Action<string>?)null,
            }, cancellationToken);
            if (ingest.EndReason == IngestEndReason.Failed) throw new IngestFailedException(ingest.Error ?? "Ingest failed.", ingest);

            // The storage session finishes its recording once our close reaches it.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (emulator.Storage.Active(channelArn) != null && DateTime.UtcNow < deadline) await Task.Delay(50, cancellationToken);
            var session = emulator.Storage.Sessions.LastOrDefault(s => s.ChannelArn == channelArn && s.Recorded)
                ?? throw new InvalidOperationException("The emulator recorded nothing: " + (emulator.Storage.Sessions.LastOrDefault()?.EndReason ?? "no storage session started"));
            Console.WriteLine($"4. Sent {ingest.VideoFramesSent} video and {ingest.AudioFramesSent} audio frames; first frame {ingest.TimeToFirstFrame?.TotalMilliseconds:0} ms after start; ended: {ingest.EndReason}.");
            Console.WriteLine($"   Recorded {session.VideoFramesRecorded} video and {session.AudioFramesRecorded} audio frames ({session.DurationRecorded.TotalSeconds:0.0} s, {session.BytesRecorded / 1024.0:0} KiB) to:");
            Console.WriteLine("   " + session.RecordingPath);
            Console.WriteLine($"   Play it with: ffplay \"{session.RecordingPath}\"");
            if (session.VideoFramesRecorded < 0.95 * ingest.VideoFramesSent)
                throw new InvalidOperationException($"Only {session.VideoFramesRecorded} of {ingest.VideoFramesSent} video frames were recorded.");
            await emulator.StopAsync();
        }

        /// <summary>Runs the core ingest; a failure after streaming began still yields its result.</summary>
        private static async Task<IngestResult> RunIngestAsync(KvsConnection connection, IngestOptions options, CancellationToken cancellationToken)
        {
            try
            {
                return await IngestSession.RunAsync(connection, options, cancellationToken);
            }
            catch (IngestFailedException e)
            {
                return e.Result;
            }
        }
    }
}
