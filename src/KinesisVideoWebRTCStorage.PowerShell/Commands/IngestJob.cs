using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Ingest;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// Start-KVWebRTCIngest -AsJob: the ingest runs in this process in the background; Receive-Job gives its result
    /// object (and its error, if it failed), Stop-Job stops it cleanly, and progress shows in the job's Progress stream.
    /// </summary>
    public sealed class IngestJob : Job
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private string _status = "Preparing";

        internal IngestJob(string command, string name) : base(command, name)
        {
            PSJobTypeName = "KVWebRTCIngestJob";
        }

        public override string StatusMessage => _status;
        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Progress.Count > 0 || Verbose.Count > 0;
        public override string Location => Environment.MachineName;

        internal void Start(Func<CancellationToken, Task<IngestResult>> run)
        {
            SetJobState(JobState.Running);
            _ = Task.Run(async () =>
            {
                try
                {
                    var result = await run(_stop.Token).ConfigureAwait(false);
                    Output.Add(PSObject.AsPSObject(result));
                    foreach (string warning in result.Warnings) Warning.Add(new WarningRecord(warning));
                    SetJobState(_stop.IsCancellationRequested ? JobState.Stopped : JobState.Completed);
                }
                catch (IngestFailedException e)
                {
                    Output.Add(PSObject.AsPSObject(e.Result));
                    Error.Add(KVCmdletBase.ToErrorRecord(e, e.Result.ChannelARN));
                    SetJobState(JobState.Failed);
                }
                catch (Exception e)
                {
                    Error.Add(KVCmdletBase.ToErrorRecord(e, null));
                    SetJobState(JobState.Failed);
                }
            });
        }

        internal void OnProgress(IngestProgress progress)
        {
            _status = progress.ToString();
            Progress.Add(new ProgressRecord(1, "Start-KVWebRTCIngest " + Name, _status));
        }

        internal void OnTrace(string line) => Verbose.Add(new VerboseRecord(line));

        public override void StopJob() => _stop.Cancel();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _stop.Dispose();
            base.Dispose(disposing);
        }
    }
}
