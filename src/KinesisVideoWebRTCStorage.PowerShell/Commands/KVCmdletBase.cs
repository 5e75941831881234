using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// What every cmdlet of the module shares, as PowerShell's WebRequestPSCmdlet and AWS.Tools' BaseCmdlet do: Ctrl+C
    /// cancels the core work in flight, a failure becomes an ErrorRecord with a stable ErrorId, core progress and trace
    /// are written from the pipeline thread, and -Force skips confirmation.
    /// </summary>
    public abstract class KVCmdletBase : PSCmdlet
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private readonly ConcurrentQueue<string> traces = new ConcurrentQueue<string>();

        /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
        protected CancellationToken StopToken => stopping.Token;

        /// <summary>
        /// Whether verbose output will be shown (-Verbose, -Verbose:$false, else $VerbosePreference), so that a
        /// trace that costs something to build is built only then.
        /// </summary>
        protected bool VerboseRequested =>
            MyInvocation.BoundParameters.TryGetValue("Verbose", out var verbose)
                ? ((SwitchParameter)verbose).IsPresent
                : LanguagePrimitives.TryConvertTo<ActionPreference>(GetVariableValue("VerbosePreference"), out var preference) &&
                  preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;

        /// <summary>A sink for core trace lines from any thread; they are written as verbose output on the pipeline thread.</summary>
        protected Action<string> TraceSink => traces.Enqueue;

        protected override void StopProcessing() => stopping.Cancel();

        protected override void EndProcessing() => FlushTrace();

        /// <summary>
        /// Runs one pipeline item's work: Ctrl+C ends the pipeline, and any other failure is a non-terminating error
        /// for <paramref name="target"/>, so the next item still runs.
        /// </summary>
        protected void ProcessItem(object? target, Action work) => Guard(work, error => WriteFailure(error, target));

        /// <summary>Runs work whose failure ends the command: Ctrl+C ends the pipeline, anything else is a terminating error.</summary>
        protected void ProcessOrTerminate(object? target, Action work) => Guard(work, error => ThrowTerminatingError(ToErrorRecord(error, target)));

        private void Guard(Action work, Action<Exception> onFailure)
        {
            try
            {
                work();
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception error) when (!(error is PipelineStoppedException))
            {
                onFailure(error);
            }
        }

        /// <summary>Runs core work on the pipeline thread, cancelled by Ctrl+C, writing its trace as -Verbose afterwards.</summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            try
            {
                return work(StopToken).GetAwaiter().GetResult();
            }
            finally
            {
                FlushTrace();
            }
        }

        /// <summary>
        /// Runs long core work on the thread pool while this (the pipeline) thread writes the progress records and
        /// verbose lines it reports, since PowerShell takes output only from the pipeline thread. Ctrl+C cancels it.
        /// </summary>
        /// <param name="work">Given the token, a progress sink and a trace sink (null unless -Verbose will show).</param>
        protected Task<T> RunWithProgress<T>(string activity, Func<CancellationToken, Action<string>, Action<string>?, Task<T>> work)
        {
            var messages = new BlockingCollection<(bool Progress, string Text)>();
            var running = Task.Run(() => work(StopToken, text => messages.Add((true, text)), VerboseRequested ? text => messages.Add((false, text)) : (Action<string>?)null));
            _ = running.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
            var progress = new ProgressRecord(1, activity, "Preparing");
            foreach (var (isProgress, text) in messages.GetConsumingEnumerable())
            {
                if (!isProgress)
                {
                    WriteVerbose(text);
                    continue;
                }
                progress.StatusDescription = text;
                WriteProgress(progress);
            }
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
            return running;
        }

        /// <summary>ShouldProcess, skipped by -Force unless -WhatIf asks what would happen.</summary>
        protected bool ShouldProceed(bool force, string target, string action) =>
            (force && !MyInvocation.BoundParameters.ContainsKey("WhatIf")) || ShouldProcess(target, action);

        /// <summary>A non-terminating error for one pipeline item, with a stable ErrorId and the matching category.</summary>
        protected void WriteFailure(Exception error, object? target) => WriteError(ToErrorRecord(error, target));

        internal static ErrorRecord ToErrorRecord(Exception error, object? target)
        {
            var classification = ErrorClassification.Of(error);
            var category = (ErrorCategory)Enum.Parse(typeof(ErrorCategory), classification.Category);
            return new ErrorRecord(error, classification.ErrorId, category, target);
        }

        private void FlushTrace()
        {
            while (traces.TryDequeue(out var line)) WriteVerbose(line);
        }
    }
}
