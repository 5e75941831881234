using System;
using System.Management.Automation;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.Viewer;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// Start-KVWebRTCViewer: a viewer of the channel's storage session (multi-way audio). Receives the master's video and
    /// the others' audio, records them, speaks a file, anything ffmpeg reads, or the built-in tone, and writes one result object when it ends.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "KVWebRTCViewer", DefaultParameterSetName = ByArn)]
    [OutputType(typeof(ViewerResult), typeof(SessionJob))]
    public sealed class StartKVWebRTCViewerCommand : KVServiceCmdletBase
    {
        private const string ByArn = "ByARN", ByName = "ByName";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByArn, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ARN")]
        [ValidateNotNullOrEmpty]
        public string ChannelARN { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ChannelName { get; set; } = "";

        /// <summary>The viewer's client id, 1 to 256 of [a-zA-Z0-9_.-]; a newer viewer with the same id replaces this one.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidatePattern("^[a-zA-Z0-9_.-]{1,256}$")]
        public string ClientId { get; set; } = "";

        /// <summary>A Matroska file (.mkv) to record the master's video and the audio this viewer hears.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutFile { get; set; }

        /// <summary>An Opus file to speak (Ogg, or Matroska/WebM audio); without it, -InputUri and -Tone the viewer only listens.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AudioPath { get; set; }

        /// <summary>Anything ffmpeg reads, such as a microphone: its audio is spoken, transcoded to Opus.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? InputUri { get; set; }

        /// <summary>ffmpeg's -f for -InputUri: alsa, pulse, dshow, avfoundation, lavfi, ...</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(InputFormatCompleter))]
        public string? InputFormat { get; set; }

        /// <summary>Speak the built-in 880 Hz tone.</summary>
        [Parameter]
        public SwitchParameter Tone { get; set; }

        /// <summary>Start -AudioPath or -InputUri over when it ends.</summary>
        [Parameter]
        public SwitchParameter Loop { get; set; }

        /// <summary>How long to stay once connected (seconds or a TimeSpan); until Ctrl+C when omitted.</summary>
        [Parameter]
        [SecondsArgumentTransformation]
        public TimeSpan? Duration { get; set; }

        /// <summary>Run in the background as a job: Receive-Job for the result, Stop-Job to stop.</summary>
        [Parameter]
        public SwitchParameter AsJob { get; set; }

        private string Channel => ParameterSetName == ByName ? ChannelName : ChannelARN;

        protected override void ProcessRecord()
        {
            ViewerOptions? options = null;
            KvsConnection? connection = null;
            ProcessItem(Channel, () =>
            {
                connection = Connect();
                options = new ViewerOptions(ParameterSetName == ByName ? ChannelReference.FromName(ChannelName) : ChannelReference.FromArn(ChannelARN), ClientId)
                {
                    OutFile = OutFile == null ? null : Resolve(OutFile),
                    AudioPath = AudioPath == null ? null : Resolve(AudioPath),
                    InputUri = InputUri,
                    InputFormat = InputFormat,
                    Tone = Tone,
                    Loop = Loop,
                    Duration = Duration,
                    LoopbackOnly = IngestOptions.IsLoopbackEndpoint(EndpointUrl),
                };
            });
            if (options == null || connection == null) return;

            if (AsJob)
            {
                var job = new SessionJob(MyInvocation.Line, "KVViewer-" + ClientId, "KVWebRTCViewerJob", "Start-KVWebRTCViewer");
                if (VerboseRequested) options.Trace = job.OnTrace;
                job.OnProgress("joining the storage session");
                job.Start(token => ViewerSession.RunAsync(connection, options, token), result => result.Warnings,
                    result => result.EndReason == ViewerEndReason.Failed ? new ViewerFailedException(result) : null, _ => null);
                JobRepository.Add(job);
                WriteObject(job);
                return;
            }

            var running = RunWithProgress($"Start-KVWebRTCViewer {Channel} as {ClientId}", (token, progress, trace) =>
            {
                options.Trace = trace;
                progress("joining the storage session");
                return ViewerSession.RunAsync(connection, options, token);
            });
            ProcessItem(Channel, () =>
            {
                var result = running.GetAwaiter().GetResult();
                WriteObject(result);
                foreach (string warning in result.Warnings) WriteWarning(warning);
                if (result.EndReason == ViewerEndReason.Failed) WriteFailure(new ViewerFailedException(result), result.ChannelARN);
            });
        }

        private string Resolve(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }
}
