using System.IO;
using System.Linq;
using KinesisVideoWebRTCStorage.Fuzz;
using KinesisVideoWebRTCStorage.Tests.PowerShell;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Fuzz
{
    /// <summary>
    /// What bench/fuzz.sh feeds AFL++ stays valid between fuzzing runs: every target has a seed corpus, and each seed
    /// (and each past finding kept as a regression input) goes through its parser with at most a typed format error.
    /// </summary>
    public sealed class FuzzTargetsTests
    {
        public static TheoryData<string> Targets() => new TheoryData<string>(FuzzTargets.All.Select(t => t.Name));

        [Theory]
        [MemberData(nameof(Targets))]
        public void EverySeedOfTheTargetParsesOrIsRefusedWithATypedError(string name)
        {
            var target = FuzzTargets.Find(name)!;
            var seeds = Directory.GetFiles(Path.Combine(ModuleMetadata.RepoRoot, target.Seeds));
            Assert.NotEmpty(seeds);
            foreach (var seed in seeds) target.Run(File.ReadAllBytes(seed));
        }
    }
}
