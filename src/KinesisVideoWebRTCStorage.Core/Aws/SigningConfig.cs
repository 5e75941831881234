using Amazon.Runtime;
using Amazon.Runtime.Endpoints;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>The minimal client configuration AWSSDK.Core's signers ask for; region and service are set on each request.</summary>
    internal sealed class SigningConfig : ClientConfig
    {
        public static readonly SigningConfig Instance = new SigningConfig();

        private SigningConfig() : base(null) { }

        public override string ServiceVersion => "2019-12-04";
        public override string UserAgent => UserAgentHeader.Value;
        public override string RegionEndpointServiceName => KvsEndpoints.ServiceName;
        public override Endpoint? DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) => null;
    }

    internal sealed class SignableRequest : AmazonWebServiceRequest
    {
    }

    internal static class UserAgentHeader
    {
        public static readonly string Value = "KinesisVideoWebRTCStorage/" +
            (typeof(UserAgentHeader).Assembly.GetName().Version?.ToString(3) ?? "0");
    }
}
