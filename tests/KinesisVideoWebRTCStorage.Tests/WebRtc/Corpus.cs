using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc
{
    /// <summary>Seed files under tests/.../WebRtc/Corpus/&lt;parser&gt;/, read from the source tree.</summary>
    internal static class Corpus
    {
        public static IReadOnlyList<string> Files(string parser)
        {
            string folder = TestEnvironment.CorpusDirectory("WebRtc", parser);
            return Directory.GetFiles(folder).OrderBy(f => f, System.StringComparer.Ordinal).ToList();
        }

        public static string Text(string parser, string name) => File.ReadAllText(Files(parser).Single(f => Path.GetFileName(f) == name));
    }
}
