using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Amazon.Runtime;
using KinesisVideoWebRTCStorage.Aws;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Aws
{
    [CollectionDefinition("Process environment", DisableParallelization = true)]
    public class ProcessEnvironmentCollection
    {
    }

    /// <summary>Credential and region order of the AWS Tools, with temporary credential/config files and environment variables.</summary>
    [Collection("Process environment")]
    public sealed class CredentialResolutionTests : IDisposable
    {
        private static readonly string[] Variables =
        {
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        };

        private static readonly string SharedCredentials = TestEnvironment.SharedCredentials;
        private static readonly string SharedConfig = TestEnvironment.SharedConfig;

        private readonly Dictionary<string, string?> saved = new Dictionary<string, string?>();
        private readonly string folder = Directory.CreateTempSubdirectory("kvs-creds-").FullName;

        public CredentialResolutionTests()
        {
            foreach (var name in Variables)
            {
                saved[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, null);
            }
            File.Delete(SharedCredentials);
            File.Delete(SharedConfig);
        }

        public void Dispose()
        {
            foreach (var pair in saved) Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            Directory.Delete(folder, true);
            File.Delete(SharedCredentials);
            File.Delete(SharedConfig);
        }

        private string WriteCredentials(string text)
        {
            var path = Path.Combine(folder, "credentials");
            File.WriteAllText(path, text);
            return path;
        }

        private static string AccessKeyOf(ResolvedCredentials resolved) => resolved.Credentials.GetCredentials().AccessKey;

        [Fact]
        public void ExplicitKeysComeFirst()
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDENV");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "envsecret");
            var resolved = CredentialResolver.Resolve(new AwsConnectionOptions
            {
                AccessKey = "AKIDPARAM", SecretKey = "paramsecret", SessionToken = "tok", ProfileName = "missing", Credential = new BasicAWSCredentials("AKIDCRED", "x"),
            });
            Assert.Equal("parameters", resolved.Source);
            var immutable = resolved.Credentials.GetCredentials();
            Assert.Equal("AKIDPARAM", immutable.AccessKey);
            Assert.Equal("tok", immutable.Token);
        }

        [Fact]
        public void HalfAKeyPairIsAClearError()
        {
            var error = Assert.Throws<CredentialResolutionException>(() => CredentialResolver.Resolve(new AwsConnectionOptions { AccessKey = "AKID" }));
            Assert.Contains("-SecretKey is missing", error.Message);
        }

        [Fact]
        public void ANamedProfileComesBeforeCredentialAndEnvironment()
        {
            var location = WriteCredentials("[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = worksecret\nregion = eu-west-1\n");
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDENV");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "envsecret");
            var options = new AwsConnectionOptions { ProfileName = "work", ProfileLocation = location, Credential = new BasicAWSCredentials("AKIDCRED", "x") };

            var resolved = CredentialResolver.Resolve(options);
            Assert.Equal("profile 'work'", resolved.Source);
            Assert.Equal("AKIDWORK", AccessKeyOf(resolved));
            Assert.Equal("eu-west-1", RegionResolver.Resolve(options).Name);
        }

        [Fact]
        public void AMissingNamedProfileIsAnErrorNotAFallback()
        {
            var location = WriteCredentials("[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = s\n");
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDENV");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "envsecret");
            var error = Assert.Throws<CredentialResolutionException>(() =>
                CredentialResolver.Resolve(new AwsConnectionOptions { ProfileName = "nope", ProfileLocation = location }));
            Assert.Contains("Profile 'nope' was not found", error.Message);
            Assert.Contains(location, error.Message);
        }

        [Fact]
        public void CredentialThenStoredThenEnvironmentThenDefaultProfile()
        {
            var location = WriteCredentials("[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = defaultsecret\n");
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDENV");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "envsecret");
            var stored = new AwsToolsStoredCredentials(new BasicAWSCredentials("AKIDSTORED", "storedsecret"), "work");

            Assert.Equal("AKIDCRED", AccessKeyOf(CredentialResolver.Resolve(new AwsConnectionOptions
            {
                ProfileLocation = location, Credential = new BasicAWSCredentials("AKIDCRED", "x"), StoredCredentials = stored,
            })));
            var fromStored = CredentialResolver.Resolve(new AwsConnectionOptions { ProfileLocation = location, StoredCredentials = stored });
            Assert.Equal("$StoredAWSCredentials (profile 'work')", fromStored.Source);
            Assert.Equal("AKIDSTORED", AccessKeyOf(fromStored));
            var fromEnvironment = CredentialResolver.Resolve(new AwsConnectionOptions { ProfileLocation = location });
            Assert.Equal("environment", fromEnvironment.Source);
            Assert.Equal("AKIDENV", AccessKeyOf(fromEnvironment));

            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
            var fromDefault = CredentialResolver.Resolve(new AwsConnectionOptions { ProfileLocation = location });
            Assert.Equal("profile 'default'", fromDefault.Source);
            Assert.Equal("AKIDDEFAULT", AccessKeyOf(fromDefault));
        }

        [Fact]
        public void StoredCredentialsThatCarryNoCredentialsAreAnErrorNotAFallback()
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDENV");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "envsecret");
            var error = Assert.Throws<CredentialResolutionException>(() =>
                CredentialResolver.Resolve(new AwsConnectionOptions { StoredCredentials = new Version(1, 0) }));
            Assert.Equal("$StoredAWSCredentials holds a System.Version, which carries no AWS credentials. Set it with Set-AWSCredential, " +
                "or remove it (Clear-AWSCredential) to use the next source.", error.Message);
            // An empty value is as good as none.
            Assert.Equal("environment", CredentialResolver.Resolve(new AwsConnectionOptions { StoredCredentials = "" }).Source);
        }

        [Fact]
        public void StoredCredentialsMayNameAProfile()
        {
            var location = WriteCredentials("[saved]\naws_access_key_id = AKIDSAVED\naws_secret_access_key = s\n");
            var resolved = CredentialResolver.Resolve(new AwsConnectionOptions { ProfileLocation = location, StoredCredentials = "saved" });
            Assert.Equal("AKIDSAVED", AccessKeyOf(resolved));
        }

        [Fact]
        public void TheDefaultSharedFileIsFoundThroughTheEnvironment()
        {
            File.WriteAllText(SharedCredentials, "[default]\naws_access_key_id = AKIDSHARED\naws_secret_access_key = s\n");
            Assert.Equal("AKIDSHARED", AccessKeyOf(CredentialResolver.Resolve(new AwsConnectionOptions())));
        }

        [Fact]
        public void AssumeRoleAndSsoProfilesResolveThroughTheSdk()
        {
            File.WriteAllText(SharedConfig,
                "[profile sso]\nsso_account_id = 123456789012\nsso_role_name = Reader\nsso_region = us-east-1\nsso_start_url = https://example.awsapps.com/start\nregion = ap-south-1\n");
            File.WriteAllText(SharedCredentials,
                "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n" +
                "[role]\nrole_arn = arn:aws:iam::123456789012:role/KvsIngest\nsource_profile = base\nregion = eu-central-1\n");

            var role = CredentialResolver.Resolve(new AwsConnectionOptions { ProfileName = "role" });
            Assert.IsType<AssumeRoleAWSCredentials>(role.Credentials);
            Assert.Equal("eu-central-1", RegionResolver.Resolve(new AwsConnectionOptions { ProfileName = "role" }).Name);

            var sso = CredentialResolver.Resolve(new AwsConnectionOptions { ProfileName = "sso" });
            Assert.Equal("SSOAWSCredentials", sso.Credentials.GetType().Name);
            Assert.Equal("ap-south-1", RegionResolver.Resolve(new AwsConnectionOptions { ProfileName = "sso" }).Name);
        }

        [Fact]
        public void ContainerCredentialsComeAfterProfiles()
        {
            Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc");
            var resolved = CredentialResolver.Resolve(new AwsConnectionOptions());
            Assert.Equal("container role", resolved.Source);
        }

        [Fact]
        public void NothingFoundIsAnErrorThatSaysWhatToDo()
        {
            var error = Assert.Throws<CredentialResolutionException>(() => CredentialResolver.Resolve(new AwsConnectionOptions()));
            Assert.Contains("No AWS credentials were found", error.Message);
            Assert.Contains("Set-AWSCredential", error.Message);
        }

        [Fact]
        public void RegionOrder()
        {
            var location = WriteCredentials("[default]\naws_access_key_id = A\naws_secret_access_key = s\nregion = ca-central-1\n");
            Environment.SetEnvironmentVariable("AWS_REGION", "sa-east-1");

            Assert.Equal("-Region", RegionResolver.Resolve(new AwsConnectionOptions { Region = "us-east-2", StoredRegion = "us-west-1", ProfileLocation = location }).Source);
            Assert.Equal("us-west-1", RegionResolver.Resolve(new AwsConnectionOptions { StoredRegion = "us-west-1", ProfileLocation = location }).Name);
            Assert.Equal("ca-central-1", RegionResolver.Resolve(new AwsConnectionOptions { ProfileLocation = location }).Name);
            Assert.Equal("sa-east-1", RegionResolver.Resolve(new AwsConnectionOptions()).Name);
            Environment.SetEnvironmentVariable("AWS_REGION", null);
            Environment.SetEnvironmentVariable("AWS_DEFAULT_REGION", "ap-northeast-1");
            Assert.Equal("AWS_DEFAULT_REGION", RegionResolver.Resolve(new AwsConnectionOptions()).Source);
            Environment.SetEnvironmentVariable("AWS_DEFAULT_REGION", null);
            var error = Assert.Throws<RegionResolutionException>(() => RegionResolver.Resolve(new AwsConnectionOptions()));
            Assert.Contains("-Region", error.Message);
        }

        [Fact]
        public void KnownRegionsCompleteByPrefix()
        {
            var west = RegionResolver.KnownRegions("us-w").Select(r => r.SystemName).ToList();
            Assert.Contains("us-west-2", west);
            Assert.All(west, name => Assert.StartsWith("us-w", name));
            Assert.Equal(west.OrderBy(n => n, StringComparer.Ordinal), west);
            Assert.Contains("ap-northeast-1", RegionResolver.KnownRegions("").Select(r => r.SystemName));
            Assert.Equal(RegionResolver.KnownRegions("EU-").Count, RegionResolver.KnownRegions("eu-").Count);
            Assert.Empty(RegionResolver.KnownRegions("mars-"));
        }

        [Fact]
        public void ABadRegionNameIsRefused()
        {
            var error = Assert.Throws<RegionResolutionException>(() => RegionResolver.Resolve(new AwsConnectionOptions { Region = "https://evil" }));
            Assert.Contains("is not a region name", error.Message);
        }

        /// <summary>The shape of AWS.Tools' Amazon.PowerShell.Common.AWSPSCredentials: public class, internal members.</summary>
        public sealed class AwsToolsStoredCredentials
        {
            internal AwsToolsStoredCredentials(AWSCredentials credentials, string name)
            {
                Credentials = credentials;
                Name = name;
            }

            internal AWSCredentials Credentials { get; private set; }
            internal string Name { get; private set; }

            public override string ToString() => Name;
        }
    }
}
