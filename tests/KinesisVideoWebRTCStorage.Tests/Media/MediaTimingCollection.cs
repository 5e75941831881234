using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    /// <summary>Tests that measure wall-clock timing run alone, after the parallel ones, so CPU-heavy tests cannot skew them.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class MediaTimingCollection
    {
        public const string Name = "Media timing";
    }
}
