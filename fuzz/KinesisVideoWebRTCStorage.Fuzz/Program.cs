using System;
using System.IO;
using System.Linq;
using SharpFuzz;

namespace KinesisVideoWebRTCStorage.Fuzz
{
    /// <summary>
    /// One fuzz target per run, named by the first argument (bench/fuzz.sh runs each under AFL++): the input comes on
    /// stdin; a typed format error is the expected answer to bad input, and anything else escaping is a finding.
    /// With a file as second argument the target runs once on it, outside AFL, to replay a finding;
    /// "--seeds &lt;target&gt;" prints where the target's seed corpus is.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "--seeds" && FuzzTargets.Find(args[1]) is { } seeded)
            {
                Console.WriteLine(seeded.Seeds);
                return 0;
            }
            var target = args.Length > 0 ? FuzzTargets.Find(args[0]) : null;
            if (target == null)
            {
                Console.Error.WriteLine("usage: KinesisVideoWebRTCStorage.Fuzz <target> [input file]; targets: " + string.Join(", ", FuzzTargets.All.Select(t => t.Name)));
                return 2;
            }
            if (args.Length > 1)
            {
                target.Run(File.ReadAllBytes(args[1]));
                return 0;
            }
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                target.Run(copy.ToArray());
            });
            return 0;
        }
    }
}
