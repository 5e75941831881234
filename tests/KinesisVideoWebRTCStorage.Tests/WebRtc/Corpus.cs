using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc
{
    /// <summary>Seed files under tests/.../WebRtc/Corpus/&lt;parser&gt;/, read from the source tree.</summary>
    internal static class Corpus
    {
        public static IReadOnlyList<string> Files(string parser)
        {
            string root = typeof(Corpus).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepoRoot").Value!;
            string folder = Path.Combine(root, "tests", "KinesisVideoWebRTCStorage.Tests", "WebRtc", "Corpus", parser);
            return Directory.GetFiles(folder).OrderBy(f => f, System.StringComparer.Ordinal).ToList();
        }

        public static string Text(string parser, string name) => File.ReadAllText(Files(parser).Single(f => Path.GetFileName(f) == name));
    }
}
