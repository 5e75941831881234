using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// Start-KVWebRTCIngest -AsJob and Start-KVWebRTCViewer -AsJob: the session runs in this process in the background;
    /// Receive-Job gives its result object (and its error, if it failed), Stop-Job stops it cleanly, and progress and
    /// verbose lines show in the job's streams.
    /// </summary>
    public sealed class SessionJob : Job
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly string _activity;
        private string _status = "Preparing";

        /// <param name="typeName">PSJobTypeName: KVWebRTCIngestJob or KVWebRTCViewerJob.</param>
        internal SessionJob(string command, string name, string typeName, string activity) : base(command, name)
        {
            PSJobTypeName = typeName;
            _activity = activity;
        }

        public override string StatusMessage => _status;
        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Progress.Count > 0 || Verbose.Count > 0;
        public override string Location => Environment.MachineName;

        /// <param name="failureOf">The error a finished result reports (a viewer that failed after connecting), or null.</param>
        /// <param name="resultOf">The result a thrown error carries (an ingest that failed after streaming), or null.</param>
        internal void Start<TResult>(Func<CancellationToken, Task<TResult>> run, Func<TResult, IEnumerable<string>> warnings,
            Func<TResult, Exception?> failureOf, Func<Exception, TResult?> resultOf) where TResult : class
        {
            SetJobState(JobState.Running);
            _ = Task.Run(async () =>
            {
                try
                {
                    var result = await run(_stop.Token).ConfigureAwait(false);
                    Output.Add(PSObject.AsPSObject(result));
                    foreach (string warning in warnings(result)) Warning.Add(new WarningRecord(warning));
                    if (failureOf(result) is Exception failure)
                    {
                        Error.Add(KVCmdletBase.ToErrorRecord(failure, null));
                        SetJobState(JobState.Failed);
                    }
                    else SetJobState(_stop.IsCancellationRequested ? JobState.Stopped : JobState.Completed);
                }
                catch (Exception e)
                {
                    // What was sent and recorded before a failure is kept.
                    if (resultOf(e) is TResult partial) Output.Add(PSObject.AsPSObject(partial));
                    Error.Add(KVCmdletBase.ToErrorRecord(e, null));
                    SetJobState(JobState.Failed);
                }
            });
        }

        internal void OnProgress(string status)
        {
            _status = status;
            Progress.Add(new ProgressRecord(1, _activity + " " + Name, _status));
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
