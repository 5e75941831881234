using System;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>Resolved credentials, region and control-plane endpoint, and the signed HTTP client built on them.</summary>
    public sealed class KvsConnection
    {
        private KvsConnection(ResolvedCredentials credentials, ResolvedRegion region, Uri controlPlaneEndpoint, RestJsonClient http, CaBundle? trustedAuthorities)
        {
            TrustedAuthorities = trustedAuthorities;
            Credentials = credentials;
            Region = region;
            ControlPlaneEndpoint = controlPlaneEndpoint;
            Http = http;
        }

        public ResolvedCredentials Credentials { get; }
        public ResolvedRegion Region { get; }
        public Uri ControlPlaneEndpoint { get; }
        public RestJsonClient Http { get; }

        /// <summary>The extra CAs AWS_CA_BUNDLE names, trusted by the HTTP client and the signaling WebSocket; null when unset.</summary>
        public CaBundle? TrustedAuthorities { get; }

        public static KvsConnection Create(AwsConnectionOptions options) => Create(options, CaBundle.FromEnvironment());

        /// <summary>With the extra CAs given rather than read from AWS_CA_BUNDLE, which is one per process.</summary>
        internal static KvsConnection Create(AwsConnectionOptions options, CaBundle? trust)
        {
            var credentials = CredentialResolver.Resolve(options);
            var region = RegionResolver.Resolve(options);
            var endpoint = string.IsNullOrEmpty(options.EndpointUrl)
                ? KvsEndpoints.ControlPlane(region.Name)
                : KvsEndpoints.ParseEndpointUrl(options.EndpointUrl!);
            var http = new RestJsonClient(credentials.Credentials, region.Name, options.Timeout, options.Retry, trust?.HttpClient);
            return new KvsConnection(credentials, region, endpoint, http, trust);
        }

        public KinesisVideoClient ControlPlane() => new KinesisVideoClient(Http, ControlPlaneEndpoint);
        public SignalingChannelsClient Signaling(Uri httpsEndpoint) => new SignalingChannelsClient(Http, httpsEndpoint);
        public WebRtcStorageClient Storage(Uri webRtcEndpoint) => new WebRtcStorageClient(Http, webRtcEndpoint);

        /// <summary>The current credentials (refreshed by the provider when they expire), for presigning signaling URLs.</summary>
        public System.Threading.Tasks.Task<Amazon.Runtime.ImmutableCredentials> GetCredentialsAsync() => Http.GetCredentialsAsync();

        public override string ToString() =>
            $"{ControlPlaneEndpoint} in {Region.Name} (region from {Region.Source}, credentials from {Credentials.Source})";
    }
}
