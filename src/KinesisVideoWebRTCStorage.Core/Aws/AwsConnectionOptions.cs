using System;
using Amazon.Runtime;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>
    /// What a caller says about credentials, region and endpoint, in the terms of the AWS Tools for PowerShell
    /// common parameters. Resolution happens in <see cref="CredentialResolver"/> and <see cref="RegionResolver"/>.
    /// </summary>
    public sealed class AwsConnectionOptions
    {
        public string? AccessKey { get; set; }
        public string? SecretKey { get; set; }
        public string? SessionToken { get; set; }
        public string? ProfileName { get; set; }
        public string? ProfileLocation { get; set; }
        public AWSCredentials? Credential { get; set; }

        /// <summary>The user's network credential for a SAML (federated) profile's identity provider.</summary>
        public System.Net.NetworkCredential? NetworkCredential { get; set; }

        /// <summary>The session's $StoredAWSCredentials: AWSCredentials, a profile name, or an object with a Credentials property.</summary>
        public object? StoredCredentials { get; set; }

        public string? Region { get; set; }

        /// <summary>The session's $StoredAWSRegion.</summary>
        public string? StoredRegion { get; set; }

        /// <summary>Overrides the regional control-plane endpoint, e.g. the local emulator's URL.</summary>
        public string? EndpointUrl { get; set; }

        /// <summary>The bound on one HTTP attempt.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

        public RetryPolicy Retry { get; set; } = RetryPolicy.Default;
    }
}
