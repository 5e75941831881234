using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace KinesisVideoWebRTCStorage.Tests
{
    /// <summary>
    /// Runs before any test: AWSSDK.Core fixes the shared credentials/config locations once per process, so the tests
    /// point them at files of their own (the config file is read beside the credentials file) (never the developer's ~/.aws) and keep instance metadata out of reach.
    /// </summary>
    internal static class TestEnvironment
    {
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
