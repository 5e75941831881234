using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace KinesisVideoWebRTCStorage.Tests
{
    /// <summary>
    /// Runs before any test: AWSSDK.Core fixes the shared credentials/config locations once per process, so the tests
    /// point them at files of their own (the config file is read beside the credentials file) (never the developer's ~/.aws) and keep instance metadata out of reach.
    /// </summary>
    internal static class TestEnvironment
    {
        /// <summary>The repository this test assembly was built from (set by the build).</summary>
        public static readonly string RepoRoot = Metadata("RepoRoot");

        /// <summary>A value the build wrote into this assembly (see the AssemblyMetadata items in the project file).</summary>
        public static string Metadata(string key) =>
            typeof(TestEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

        /// <summary>A parser's seed files: tests/KinesisVideoWebRTCStorage.Tests/&lt;area&gt;/Corpus/&lt;parser&gt;.</summary>
        public static string CorpusDirectory(string area, string parser) =>
            Path.Combine(RepoRoot, "tests", "KinesisVideoWebRTCStorage.Tests", area, "Corpus", parser);

        public static readonly string SharedFolder = Directory.CreateTempSubdirectory("kvs-tests-aws-").FullName;
        public static readonly string SharedCredentials = Path.Combine(SharedFolder, "credentials");
        public static readonly string SharedConfig = Path.Combine(SharedFolder, "config");

#pragma warning disable CA2255 // a module initializer is the only hook that runs before every test class
        [ModuleInitializer]
#pragma warning restore CA2255
        internal static void Initialize()
        {
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", SharedCredentials);
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        }
    }
}
