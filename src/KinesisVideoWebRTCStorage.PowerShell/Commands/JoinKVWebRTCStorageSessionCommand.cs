using System;
using System.Management.Automation;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// Join-KVWebRTCStorageSession: asks the storage service to join the channel's master (JoinStorageSession),
    /// or a viewer with -ClientId (JoinStorageSessionAsViewer).
    /// </summary>
    [Cmdlet(VerbsCommon.Join, "KVWebRTCStorageSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(StorageSessionJoin))]
    public sealed class JoinKVWebRTCStorageSessionCommand : KVServiceCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ARN")]
        [ValidateNotNullOrEmpty]
        public string ChannelARN { get; set; } = "";

        /// <summary>The channel's WEBRTC endpoint; looked up when not given.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("WebRtcEndpoint")]
        public string? Endpoint { get; set; }

        /// <summary>Joins the storage session as this viewer instead of as the master.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? ClientId { get; set; }

        /// <summary>AWS.Tools v5's -Select: nothing is written by default; '*' writes the join, '^ChannelARN' the ARN.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SelectCompleter))]
        public string? Select { get; set; }

        /// <summary>Deprecated, as in AWS.Tools v5: writes the join, as -Select '*' does.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void BeginProcessing() => ProcessOrTerminate(Select, () =>
        {
            if (PassThru && Select != null) throw new ArgumentException("-PassThru and -Select cannot be used together; use -Select alone.");
            if (PassThru)
                WriteWarning("-PassThru is deprecated, as in AWS.Tools v5, and will be removed: use -Select '*' for the join it writes, or -Select '^ChannelARN' for the channel's ARN.");
            ValidateSelect(Select, typeof(StorageSessionJoin));
        });

        protected override void ProcessRecord() => ProcessItem(ChannelARN, () =>
        {
            ChannelArn.Parse(ChannelARN);
            var operation = ClientId == null ? "JoinStorageSession" : $"JoinStorageSessionAsViewer (client '{ClientId}')";
            if (!ShouldProceed(Force, ChannelARN, operation)) return;
            var connection = Connect();
            var join = Run(token => StorageSessionJoin.RequestAsync(connection, ChannelARN, Endpoint, ClientId, token));
            WriteVerbose($"{operation} accepted by {join.Endpoint} for {join.ChannelARN}; the service now offers to the connected {join.Role.ToString().ToLowerInvariant()}.");
            if (PassThru) WriteObject(join);
            else if (Select != null) WriteSelected(Select, join);
        });
    }
}
