using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Ingest;
using KinesisVideoWebRTCStorage.WebRtc.Ice;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// Start-KVWebRTCIngest: the WebRTC storage-session master. Streams a file, a file pair, an ffmpeg input or the
    /// built-in test pattern into the channel's storage session and writes one result object when it ends.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "KVWebRTCIngest", DefaultParameterSetName = TestPatternSet)]
    [OutputType(typeof(IngestResult), typeof(IngestJob))]
    public sealed class StartKVWebRTCIngestCommand : KVCmdletBase
    {
        private const string TestPatternSet = "TestPattern", PathSet = "Path", FilesSet = "Files", InputUriSet = "InputUri";

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ARN")]
        [ValidateNotNullOrEmpty]
        public string? ChannelARN { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? ChannelName { get; set; }

        /// <summary>A Matroska or WebM file with H.264 video and Opus audio.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = FilesSet)]
        [ValidateNotNullOrEmpty]
        public string VideoPath { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = FilesSet)]
        [ValidateNotNullOrEmpty]
        public string AudioPath { get; set; } = "";

        /// <summary>Anything ffmpeg opens, e.g. an RTSP camera; ffmpeg must be on PATH.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputUriSet)]
        [ValidateNotNullOrEmpty]
        public string InputUri { get; set; } = "";

        /// <summary>How much media to send (seconds or a TimeSpan); until the media ends or Ctrl+C when omitted.</summary>
        [Parameter]
        [SecondsArgumentTransformation]
        public TimeSpan? Duration { get; set; }

        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = FilesSet)]
        public SwitchParameter Loop { get; set; }

        [Parameter]
        public IceTransportPolicy IceTransportPolicy { get; set; } = IceTransportPolicy.All;

        /// <summary>Run in the background as a job: Receive-Job for the result, Stop-Job to stop.</summary>
        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            IngestOptions options;
            KvsConnection connection;
            try
            {
                var channel = ChannelReference.FromArnOrName(ChannelARN, ChannelName);
                connection = Connect();
                options = Options(channel);
            }
            catch (Exception error) when (!(error is PipelineStoppedException))
            {
                WriteFailure(error, ChannelARN ?? ChannelName);
                return;
            }
            if (AsJob)
            {
                var job = new IngestJob(MyInvocation.Line, "KVIngest-" + (options.Channel.Name ?? ChannelArn.Parse(options.Channel.Arn!).ChannelName));
                options.Progress = job.OnProgress;
                if (VerboseRequested) options.Trace = job.OnTrace;
                job.Start(token => IngestSession.RunAsync(connection, options, token));
                JobRepository.Add(job);
                WriteObject(job);
                return;
            }
            RunInForeground(connection, options);
        }

        private IngestOptions Options(ChannelReference channel) => new IngestOptions(channel)
        {
            Media = new IngestMediaOptions
            {
                Path = ParameterSetName == PathSet ? Resolve(Path) : null,
                VideoPath = ParameterSetName == FilesSet ? Resolve(VideoPath) : null,
                AudioPath = ParameterSetName == FilesSet ? Resolve(AudioPath) : null,
                InputUri = ParameterSetName == InputUriSet ? InputUri : null,
                Loop = Loop,
            },
            Duration = Duration,
            IceTransportPolicy = IceTransportPolicy,
            LoopbackOnly = IngestOptions.IsLoopbackEndpoint(EndpointUrl),
        };

        private string Resolve(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        /// <summary>
        /// The ingest runs on the thread pool; this (the pipeline) thread writes its progress and trace, since
        /// PowerShell accepts output only from the pipeline thread. Ctrl+C cancels it, and it stops cleanly.
        /// </summary>
        private void RunInForeground(KvsConnection connection, IngestOptions options)
        {
            var messages = new BlockingCollection<object>();
            options.Progress = messages.Add;
            if (VerboseRequested) options.Trace = messages.Add;
            var running = Task.Run(() => IngestSession.RunAsync(connection, options, StopToken));
            _ = running.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
            var progress = new ProgressRecord(1, $"Start-KVWebRTCIngest {ChannelName ?? ChannelARN}", "Preparing");
            foreach (var message in messages.GetConsumingEnumerable())
            {
                if (message is IngestProgress p)
                {
                    progress.StatusDescription = p.ToString();
                    WriteProgress(progress);
                }
                else WriteVerbose((string)message);
            }
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
            try
            {
                WriteObject(running.GetAwaiter().GetResult());
            }
            catch (IngestFailedException error)
            {
                WriteObject(error.Result); // what was sent and recorded is kept
                WriteFailure(error, error.Result.ChannelARN);
            }
            catch (Exception error) when (!(error is PipelineStoppedException))
            {
                WriteFailure(error, ChannelARN ?? ChannelName);
            }
        }
    }
}
