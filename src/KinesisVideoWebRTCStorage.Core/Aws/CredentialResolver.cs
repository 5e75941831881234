using System;
using System.Reflection;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>Credentials and where they came from (never the secret itself).</summary>
    public sealed class ResolvedCredentials
    {
        public ResolvedCredentials(AWSCredentials credentials, string source)
        {
            Credentials = credentials;
            Source = source;
        }

        public AWSCredentials Credentials { get; }
        public string Source { get; }
    }

    /// <summary>No credentials could be found, or the ones named are incomplete or missing.</summary>
    public sealed class CredentialResolutionException : Exception
    {
        public CredentialResolutionException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>Resolves credentials in the order of the AWS Tools for PowerShell, using AWSSDK.Core's providers.</summary>
    public static class CredentialResolver
    {
        public const string DefaultProfileName = "default";

        public static ResolvedCredentials Resolve(AwsConnectionOptions options)
        {
            bool hasAccessKey = !string.IsNullOrEmpty(options.AccessKey);
            bool hasSecretKey = !string.IsNullOrEmpty(options.SecretKey);
            if (hasAccessKey || hasSecretKey)
            {
                if (!hasAccessKey || !hasSecretKey)
                    throw new CredentialResolutionException(
                        $"-{(hasAccessKey ? "SecretKey" : "AccessKey")} is missing: pass -AccessKey and -SecretKey together (and -SessionToken for temporary credentials).");
                var explicitCredentials = string.IsNullOrEmpty(options.SessionToken)
                    ? (AWSCredentials)new BasicAWSCredentials(options.AccessKey, options.SecretKey)
                    : new SessionAWSCredentials(options.AccessKey, options.SecretKey, options.SessionToken);
                return new ResolvedCredentials(explicitCredentials, "parameters");
            }

            if (!string.IsNullOrEmpty(options.ProfileName))
            {
                var fromProfile = TryProfile(options.ProfileName!, options);
                return fromProfile ?? throw new CredentialResolutionException(
                    $"Profile '{options.ProfileName}' was not found in {DescribeLocation(ProfileLocationOf(options))}. " +
                    "Check the name (Get-AWSCredential -ListProfileDetail lists them) or pass -ProfileLocation.");
            }

            if (options.Credential != null)
                return new ResolvedCredentials(options.Credential, "-Credential");

            if (options.StoredCredentials != null && !(options.StoredCredentials is string { Length: 0 }))
                return FromStored(options.StoredCredentials, options);

            var fromEnvironment = FromEnvironment();
            if (fromEnvironment != null) return fromEnvironment;

            var environmentProfile = Environment.GetEnvironmentVariable("AWS_PROFILE");
            var defaultProfile = TryProfile(string.IsNullOrEmpty(environmentProfile) ? DefaultProfileName : environmentProfile!, options);
            if (defaultProfile != null) return defaultProfile;

            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) ||
                !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI")))
                return new ResolvedCredentials(new GenericContainerCredentials(), "container role");

            if (!InstanceMetadataDisabled())
                return new ResolvedCredentials(new InstanceProfileAWSCredentials(), "instance role");

            throw new CredentialResolutionException(
                "No AWS credentials were found. Pass -AccessKey/-SecretKey, -ProfileName or -Credential, run Set-AWSCredential, " +
                "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or create a 'default' profile.");
        }

        internal static bool InstanceMetadataDisabled() =>
            string.Equals(Environment.GetEnvironmentVariable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase);

        /// <summary>-ProfileLocation, else AWS_SHARED_CREDENTIALS_FILE (which AWSSDK.Core itself does not read), else the SDK's defaults.</summary>
        internal static string? ProfileLocationOf(AwsConnectionOptions options)
        {
            if (!string.IsNullOrEmpty(options.ProfileLocation)) return options.ProfileLocation;
            var fromEnvironment = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
            return string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment;
        }

        internal static string DescribeLocation(string? profileLocation) =>
            string.IsNullOrEmpty(profileLocation) ? "the shared credentials and config files and the SDK store" : $"'{profileLocation}'";

        private static ResolvedCredentials? TryProfile(string name, AwsConnectionOptions options)
        {
            var profileLocation = ProfileLocationOf(options);
            var chain = new CredentialProfileStoreChain(profileLocation);
            if (!chain.TryGetProfile(name, out var profile)) return null;
            try
            {
                var credentials = AWSCredentialsFactory.GetAWSCredentials(profile, chain);
                if (credentials is FederatedAWSCredentials federated && options.NetworkCredential != null)
                {
                    var network = options.NetworkCredential;
                    federated.Options.CredentialRequestCallback = _ => network;
                }
                return new ResolvedCredentials(credentials, $"profile '{name}'");
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                throw new CredentialResolutionException($"Profile '{name}' in {DescribeLocation(profileLocation)} cannot be used: {e.Message}", e);
            }
        }

        private static ResolvedCredentials FromStored(object stored, AwsConnectionOptions options)
        {
            var profileLocation = ProfileLocationOf(options);
            switch (stored)
            {
                case AWSCredentials credentials:
                    return new ResolvedCredentials(credentials, "$StoredAWSCredentials");
                case string profileName:
                    return TryProfile(profileName, options) ?? throw new CredentialResolutionException(
                        $"$StoredAWSCredentials names profile '{profileName}', which was not found in {DescribeLocation(profileLocation)}.");
            }

            // Set-AWSCredential stores an Amazon.PowerShell.Common.AWSPSCredentials, whose Credentials (the SDK
            // credentials) and Name (the profile it came from, if any) properties are internal.
            const BindingFlags anyInstance = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
            if (stored.GetType().GetProperty("Credentials", anyInstance)?.GetValue(stored) is AWSCredentials wrapped)
            {
                var name = stored.GetType().GetProperty("Name", anyInstance)?.GetValue(stored) as string;
                return new ResolvedCredentials(wrapped, string.IsNullOrEmpty(name) ? "$StoredAWSCredentials" : $"$StoredAWSCredentials (profile '{name}')");
            }
            throw new CredentialResolutionException(
                $"$StoredAWSCredentials holds a {stored.GetType().FullName}, which carries no AWS credentials. Set it with Set-AWSCredential, " +
                "or remove it (Clear-AWSCredential) to use the next source.");
        }

        private static ResolvedCredentials? FromEnvironment()
        {
            var accessKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
            var secretKey = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
            if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey)) return null;
            var token = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
            var credentials = string.IsNullOrEmpty(token)
                ? (AWSCredentials)new BasicAWSCredentials(accessKey, secretKey)
                : new SessionAWSCredentials(accessKey, secretKey, token);
            return new ResolvedCredentials(credentials, "environment");
        }
    }
}
