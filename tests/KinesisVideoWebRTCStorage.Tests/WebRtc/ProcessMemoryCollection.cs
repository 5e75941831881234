using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc
{
    /// <summary>Tests that judge the growth of the process's managed heap run alone, so other tests' allocations cannot count as theirs.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ProcessMemoryCollection
    {
        public const string Name = "Process memory";
    }
}
