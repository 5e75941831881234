using System;
using System.Management.Automation;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>Get-KVSignalingEndpoint: a signaling channel's WSS, HTTPS and WEBRTC endpoints (GetSignalingChannelEndpoint).</summary>
    [Cmdlet(VerbsCommon.Get, "KVSignalingEndpoint", DefaultParameterSetName = ByArnSet)]
    [OutputType(typeof(SignalingChannelEndpoints))]
    public sealed class GetKVSignalingEndpointCommand : KVCmdletBase
    {
        private const string ByArnSet = "ByARN";
        private const string ByNameSet = "ByName";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByArnSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ARN")]
        [ValidateNotNullOrEmpty]
        public string ChannelARN { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ChannelName { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public ChannelRole Role { get; set; } = ChannelRole.MASTER;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public ChannelProtocol[] Protocol { get; set; } = { ChannelProtocol.WSS, ChannelProtocol.HTTPS, ChannelProtocol.WEBRTC };

        protected override void ProcessRecord()
        {
            object target = ParameterSetName == ByNameSet ? ChannelName : ChannelARN;
            try
            {
                var channel = ParameterSetName == ByNameSet ? ChannelReference.FromName(ChannelName) : ChannelReference.FromArn(ChannelARN);
                var connection = Connect();
                var endpoints = Run(token => SignalingEndpointLookup.GetAsync(connection.ControlPlane(), channel, Role, Protocol, token,
                    withoutStorage: "ask only for -Protocol WSS,HTTPS"));
                WriteObject(endpoints);
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception error) when (!(error is PipelineStoppedException))
            {
                WriteFailure(error, target);
            }
        }
    }
}
