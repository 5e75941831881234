using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// The interop tests run one at a time and apart from the rest of the suite: a browser encoding and decoding video
    /// takes most of a two-core CI machine, which would starve the timing-sensitive unit tests and be starved by them.
    /// Its tests that need a Chromium page share one browser (<see cref="SharedChromiumBrowser"/>).
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class InteropCollection : ICollectionFixture<SharedChromiumBrowser>
    {
        public const string Name = "Interop";
    }
}
