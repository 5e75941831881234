using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime.CredentialManagement;
using Amazon.Util;

namespace KinesisVideoWebRTCStorage.Aws
{
    public sealed class ResolvedRegion
    {
        public ResolvedRegion(string name, string source)
        {
            Name = name;
            Source = source;
        }

        public string Name { get; }
        public string Source { get; }
    }

    public sealed class RegionResolutionException : Exception
    {
        public RegionResolutionException(string message) : base(message) { }
    }

    /// <summary>Region order of the AWS Tools: -Region, $StoredAWSRegion, profile, environment, instance metadata.</summary>
    public static class RegionResolver
    {
        private static readonly Regex RegionName = new Regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", RegexOptions.CultureInvariant);

        public static ResolvedRegion Resolve(AwsConnectionOptions options)
        {
            if (!string.IsNullOrEmpty(options.Region)) return Checked(options.Region!, "-Region");
            if (!string.IsNullOrEmpty(options.StoredRegion)) return Checked(options.StoredRegion!, "$StoredAWSRegion");

            var profileName = !string.IsNullOrEmpty(options.ProfileName)
                ? options.ProfileName!
                : Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } fromEnvironment ? fromEnvironment : CredentialResolver.DefaultProfileName;
            var chain = new CredentialProfileStoreChain(CredentialResolver.ProfileLocationOf(options));
            if (chain.TryGetProfile(profileName, out var profile) && profile.Region != null)
                return Checked(profile.Region.SystemName, $"profile '{profileName}'");

            foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
            {
                var value = Environment.GetEnvironmentVariable(variable);
                if (!string.IsNullOrEmpty(value)) return Checked(value!, variable);
            }

            if (!CredentialResolver.InstanceMetadataDisabled())
            {
                var fromMetadata = EC2InstanceMetadata.Region?.SystemName;
                if (!string.IsNullOrEmpty(fromMetadata)) return Checked(fromMetadata!, "instance metadata");
            }

            throw new RegionResolutionException(
                "No AWS region was given. Pass -Region (e.g. -Region us-west-2), run Set-DefaultAWSRegion, set AWS_REGION, or add a region to your profile.");
        }

        /// <summary>The regions AWSSDK.Core knows whose names start with <paramref name="prefix"/>, by name, for -Region completion.</summary>
        public static IReadOnlyList<RegionEndpoint> KnownRegions(string? prefix) =>
            RegionEndpoint.EnumerableAllRegions
                .Where(r => r.SystemName.StartsWith(prefix ?? "", StringComparison.OrdinalIgnoreCase))
                .OrderBy(r => r.SystemName, StringComparer.Ordinal)
                .ToList();

        private static ResolvedRegion Checked(string region, string source)
        {
            if (!RegionName.IsMatch(region))
                throw new RegionResolutionException($"'{region}' from {source} is not a region name; expected a name such as us-west-2.");
            return new ResolvedRegion(region, source);
        }
    }
}
