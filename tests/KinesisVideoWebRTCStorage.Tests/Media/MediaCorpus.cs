using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    /// <summary>The committed seed inputs under tests/.../Media/Corpus/&lt;parser&gt;/.</summary>
    public static class MediaCorpus
    {
        public static byte[][] Load(string parser)
        {
            string directory = TestEnvironment.CorpusDirectory("Media", parser);
            var files = Directory.GetFiles(directory).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            if (files.Length == 0) throw new InvalidOperationException($"No seed corpus in {directory}");
            return files.Select(File.ReadAllBytes).ToArray();
        }
    }
}
