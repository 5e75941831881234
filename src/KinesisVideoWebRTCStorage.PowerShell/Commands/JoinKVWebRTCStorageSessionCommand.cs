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
    public sealed class JoinKVWebRTCStorageSessionCommand : KVCmdletBase
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

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                ChannelArn.Parse(ChannelARN);
                var operation = ClientId == null ? "JoinStorageSession" : $"JoinStorageSessionAsViewer (client '{ClientId}')";
                if (!ShouldProcess(ChannelARN, operation)) return;
                var connection = Connect();
                var join = Run(token => StorageSessionJoin.RequestAsync(connection, ChannelARN, Endpoint, ClientId, token));
                WriteVerbose($"{operation} accepted by {join.Endpoint} for {join.ChannelARN}; the service now offers to the connected {join.Role.ToString().ToLowerInvariant()}.");
                if (PassThru) WriteObject(join);
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception error) when (!(error is PipelineStoppedException))
            {
                WriteFailure(error, ChannelARN);
            }
        }
    }
}
