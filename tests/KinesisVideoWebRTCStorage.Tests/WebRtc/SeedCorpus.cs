using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc
{
    /// <summary>Loads the seed files under WebRtc/Corpus/&lt;parser&gt;/ from the source tree (see Corpus/generate.py).</summary>
    internal static class SeedCorpus
    {
        private static string Directory(string parser) => TestEnvironment.CorpusDirectory("WebRtc", parser);

        public static IReadOnlyList<byte[]> Load(string parser)
        {
            string directory = Directory(parser);
            var files = System.IO.Directory.GetFiles(directory, "*.bin").OrderBy(f => f, StringComparer.Ordinal).ToArray();
            if (files.Length == 0) throw new InvalidOperationException($"No seeds in {directory}.");
            return files.Select(File.ReadAllBytes).ToArray();
        }

        public static byte[] Load(string parser, string name)
        {
            return File.ReadAllBytes(Path.Combine(Directory(parser), name + ".bin"));
        }
    }
}
