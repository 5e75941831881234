using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// The AWS Tools for PowerShell common parameters, their session defaults, and the error and cancellation
    /// plumbing every cmdlet shares. Everything else is a call into the core.
    /// </summary>
    public abstract class KVCmdletBase : PSCmdlet
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private readonly ConcurrentQueue<string> traces = new ConcurrentQueue<string>();
        private readonly Dictionary<string, KvsConnection> connections = new Dictionary<string, KvsConnection>(StringComparer.Ordinal);

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AK")]
        public string? AccessKey { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("SK", "SecretAccessKey")]
        public string? SecretKey { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("ST")]
        public string? SessionToken { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("StoredCredentials", "AWSProfileName")]
        public string? ProfileName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AWSProfilesLocation", "ProfilesLocation")]
        public string? ProfileLocation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public AWSCredentials? Credential { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public PSCredential? NetworkCredential { get; set; }

        /// <summary>A region name or an Amazon.RegionEndpoint, as the AWS Tools accept.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public object? Region { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? EndpointUrl { get; set; }

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

        protected override void StopProcessing() => stopping.Cancel();

        protected override void EndProcessing() => FlushTrace();

        /// <summary>A connection for the parameters bound now; pipeline items with the same settings share one.</summary>
        protected KvsConnection Connect()
        {
            var options = new AwsConnectionOptions
            {
                AccessKey = AccessKey,
                SecretKey = SecretKey,
                SessionToken = SessionToken,
                ProfileName = ProfileName,
                ProfileLocation = ProfileLocation,
                Credential = Credential,
                NetworkCredential = NetworkCredential?.GetNetworkCredential(),
                StoredCredentials = Unwrap(SessionState.PSVariable.GetValue("StoredAWSCredentials")),
                Region = RegionName(Region),
                StoredRegion = RegionName(Unwrap(SessionState.PSVariable.GetValue("StoredAWSRegion"))),
                EndpointUrl = EndpointUrl,
            };
            var key = string.Join("\u0001", options.AccessKey, options.SecretKey, options.SessionToken, options.ProfileName, options.ProfileLocation,
                options.Credential?.GetHashCode(), options.StoredCredentials?.GetHashCode(), options.Region, options.StoredRegion, options.EndpointUrl);
            if (connections.TryGetValue(key, out var existing)) return existing;

            var connection = KvsConnection.Create(options);
            connection.Http.Trace = traces.Enqueue;
            WriteVerbose($"Using {connection}.");
            connections[key] = connection;
            return connection;
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

        private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

        private static string? RegionName(object? value)
        {
            switch (Unwrap(value))
            {
                case null: return null;
                case RegionEndpoint endpoint: return endpoint.SystemName;
                case string name: return name.Trim();
                case var other: return other.ToString();
            }
        }
    }
}
