using System.Management.Automation;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Aws.Models;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>Get-KVSignalingEndpoint: a signaling channel's WSS, HTTPS and WEBRTC endpoints (GetSignalingChannelEndpoint).</summary>
    [Cmdlet(VerbsCommon.Get, "KVSignalingEndpoint", DefaultParameterSetName = ByArnSet)]
    [OutputType(typeof(SignalingChannelEndpoints))]
    public sealed class GetKVSignalingEndpointCommand : KVServiceCmdletBase
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

        /// <summary>AWS.Tools v5's -Select: '*' (the default here), a property of the output, or '^ParameterName'.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SelectCompleter))]
        public string Select { get; set; } = "*";

        protected override void BeginProcessing() => ProcessOrTerminate(Select, () => ValidateSelect(Select, typeof(SignalingChannelEndpoints)));

        protected override void ProcessRecord() => ProcessItem(ParameterSetName == ByNameSet ? ChannelName : ChannelARN, () =>
        {
            var channel = ParameterSetName == ByNameSet ? ChannelReference.FromName(ChannelName) : ChannelReference.FromArn(ChannelARN);
            var connection = Connect();
            var endpoints = Run(token => SignalingEndpointLookup.GetAsync(connection.ControlPlane(), channel, Role, Protocol, token,
                withoutStorage: "ask only for -Protocol WSS,HTTPS"));
            WriteSelected(Select, endpoints);
        });
    }
}
