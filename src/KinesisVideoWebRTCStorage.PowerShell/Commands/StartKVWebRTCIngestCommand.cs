using System;
using System.Management.Automation;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.WebRtc.Ice;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// Start-KVWebRTCIngest: the WebRTC storage-session master. Streams a file, a file pair, an ffmpeg input or the
    /// built-in test pattern into the channel's storage session and writes one result object when it ends.
    /// </summary>
    /// <remarks>The channel (by ARN or by name) times the source (test pattern, -Path, -VideoPath, -InputUri) makes eight parameter sets.</remarks>
    [Cmdlet(VerbsLifecycle.Start, "KVWebRTCIngest", DefaultParameterSetName = TestPatternByArn)]
    [OutputType(typeof(IngestResult), typeof(SessionJob))]
    public sealed class StartKVWebRTCIngestCommand : KVServiceCmdletBase
    {
        private const string TestPatternByArn = "TestPatternByARN", PathByArn = "PathByARN", FilesByArn = "FilesByARN", InputUriByArn = "InputUriByARN";
        private const string TestPatternByName = "TestPatternByName", PathByName = "PathByName", FilesByName = "FilesByName", InputUriByName = "InputUriByName";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = TestPatternByArn, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathByArn, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = FilesByArn, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = InputUriByArn, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ARN")]
        [ValidateNotNullOrEmpty]
        public string ChannelARN { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = TestPatternByName, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, ParameterSetName = PathByName, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, ParameterSetName = FilesByName, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, ParameterSetName = InputUriByName, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ChannelName { get; set; } = "";

        /// <summary>A Matroska or WebM file with H.264 video and Opus audio, or H.264 alone.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathByArn)]
        [Parameter(Mandatory = true, ParameterSetName = PathByName)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = FilesByArn)]
        [Parameter(Mandatory = true, ParameterSetName = FilesByName)]
        [ValidateNotNullOrEmpty]
        public string VideoPath { get; set; } = "";

        /// <summary>Ogg Opus to pair with -VideoPath; silence when omitted.</summary>
        [Parameter(ParameterSetName = FilesByArn)]
        [Parameter(ParameterSetName = FilesByName)]
        [ValidateNotNullOrEmpty]
        public string? AudioPath { get; set; }

        /// <summary>Anything ffmpeg opens, e.g. an RTSP camera; ffmpeg must be on PATH.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputUriByArn)]
        [Parameter(Mandatory = true, ParameterSetName = InputUriByName)]
        [ValidateNotNullOrEmpty]
        public string InputUri { get; set; } = "";

        /// <summary>ffmpeg's -f for -InputUri: dshow, v4l2, avfoundation, lavfi, rtsp, ...</summary>
        [Parameter(ParameterSetName = InputUriByArn)]
        [Parameter(ParameterSetName = InputUriByName)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(InputFormatCompleter))]
        public string? InputFormat { get; set; }

        /// <summary>ffmpeg options placed before -i, e.g. '-rtsp_transport tcp' or '-video_size 1280x720 -framerate 30'.</summary>
        [Parameter(ParameterSetName = InputUriByArn)]
        [Parameter(ParameterSetName = InputUriByName)]
        [ValidateNotNullOrEmpty]
        public string? InputOptions { get; set; }

        /// <summary>kbit/s: the ceiling for video ffmpeg transcodes; the encoder follows the uplink below it (2500 when omitted).</summary>
        [Parameter(ParameterSetName = InputUriByArn)]
        [Parameter(ParameterSetName = InputUriByName)]
        [ValidateRange(100, 100_000)]
        public int? VideoBitrate { get; set; }

        /// <summary>On (the default) estimates the uplink, paces, adapts the encoder and thins pre-encoded video to it; Off sends everything as it comes.</summary>
        [Parameter]
        [ValidateSet("On", "Off")]
        public string CongestionControl { get; set; } = "On";

        /// <summary>How much media to send (seconds or a TimeSpan); until the media ends or Ctrl+C when omitted.</summary>
        [Parameter]
        [SecondsArgumentTransformation]
        public TimeSpan? Duration { get; set; }

        [Parameter(ParameterSetName = PathByArn)]
        [Parameter(ParameterSetName = PathByName)]
        [Parameter(ParameterSetName = FilesByArn)]
        [Parameter(ParameterSetName = FilesByName)]
        public SwitchParameter Loop { get; set; }

        /// <summary>Refuse media without audio instead of sending a silent Opus track with the video.</summary>
        [Parameter(ParameterSetName = PathByArn)]
        [Parameter(ParameterSetName = PathByName)]
        [Parameter(ParameterSetName = FilesByArn)]
        [Parameter(ParameterSetName = FilesByName)]
        [Parameter(ParameterSetName = InputUriByArn)]
        [Parameter(ParameterSetName = InputUriByName)]
        public SwitchParameter RequireAudio { get; set; }

        [Parameter]
        public IceTransportPolicy IceTransportPolicy { get; set; } = IceTransportPolicy.All;

        /// <summary>
        /// Saves the audio the master hears when the storage session offers two-way audio (viewers talking back): Ogg
        /// Opus for .ogg or .opus, Matroska for .mkv or .mka.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ReceivedAudioPath { get; set; }

        /// <summary>Run in the background as a job: Receive-Job for the result, Stop-Job to stop.</summary>
        [Parameter]
        public SwitchParameter AsJob { get; set; }

        private bool ByName => ParameterSetName.EndsWith("ByName", StringComparison.Ordinal);

        private string Channel => ByName ? ChannelName : ChannelARN;

        protected override void ProcessRecord()
        {
            IngestOptions? options = null;
            KvsConnection? connection = null;
            ProcessItem(Channel, () =>
            {
                connection = Connect();
                options = Options(ByName ? ChannelReference.FromName(ChannelName) : ChannelReference.FromArn(ChannelARN));
            });
            if (options == null || connection == null) return;

            if (AsJob)
            {
                var job = new SessionJob(MyInvocation.Line, "KVIngest-" + (options.Channel.Name ?? ChannelArn.Parse(options.Channel.Arn!).ChannelName),
                    "KVWebRTCIngestJob", "Start-KVWebRTCIngest");
                options.Progress = progress => job.OnProgress(progress.ToString());
                if (VerboseRequested) options.Trace = job.OnTrace;
                job.Start(token => IngestSession.RunAsync(connection, options, token), result => result.Warnings, _ => null,
                    error => (error as IngestFailedException)?.Result);
                JobRepository.Add(job);
                WriteObject(job);
                return;
            }

            var running = RunWithProgress($"Start-KVWebRTCIngest {Channel}", (token, progress, trace) =>
            {
                options.Progress = p => progress(p.ToString());
                options.Trace = trace;
                return IngestSession.RunAsync(connection, options, token);
            });
            ProcessItem(Channel, () =>
            {
                try
                {
                    WriteResult(running.GetAwaiter().GetResult());
                }
                catch (IngestFailedException error)
                {
                    WriteResult(error.Result); // what was sent and recorded is kept
                    WriteFailure(error, error.Result.ChannelARN);
                }
            });
        }

        private IngestOptions Options(ChannelReference channel)
        {
            string source = ParameterSetName.Substring(0, ParameterSetName.Length - (ByName ? "ByName" : "ByARN").Length);
            return new IngestOptions(channel)
            {
                Media = new IngestMediaOptions
                {
                    Path = source == "Path" ? Resolve(Path) : null,
                    VideoPath = source == "Files" ? Resolve(VideoPath) : null,
                    AudioPath = source == "Files" && AudioPath != null ? Resolve(AudioPath) : null,
                    InputUri = source == "InputUri" ? InputUri : null,
                    InputFormat = InputFormat,
                    InputOptions = InputOptions,
                    Loop = Loop,
                    RequireAudio = RequireAudio,
                    VideoBitrate = VideoBitrate * 1000L,
                },
                CongestionControl = !string.Equals(CongestionControl, "Off", StringComparison.OrdinalIgnoreCase),
                Duration = Duration,
                IceTransportPolicy = IceTransportPolicy,
                LoopbackOnly = IngestOptions.IsLoopbackEndpoint(EndpointUrl),
                ReceivedAudioPath = ReceivedAudioPath == null ? null : Resolve(ReceivedAudioPath),
            };
        }

        /// <summary>The result, then a warning for each way delivery fell short: a degraded run is never a plain success.</summary>
        private void WriteResult(IngestResult result)
        {
            WriteObject(result);
            foreach (string warning in result.Warnings) WriteWarning(warning);
        }

        private string Resolve(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }
}
