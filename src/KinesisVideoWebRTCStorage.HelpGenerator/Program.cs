using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace KinesisVideoWebRTCStorage.HelpGenerator
{
    /// <summary>
    /// kvhelp --module &lt;dll&gt; --reference &lt;System.Management.Automation.dll&gt; --help-source &lt;folder&gt; --output &lt;xml&gt;:
    /// checks that every cmdlet, parameter and example is documented in the help source, then writes the MAML.
    /// </summary>
    public static class Program
    {
        /// <summary>The help source's file of the AWS Tools parameters shared by the cmdlets that call Kinesis Video.</summary>
        private const string CommonFile = "CommonParameters.md";

        public static int Main(string[] args)
        {
            var options = new Dictionary<string, string>();
            for (int i = 0; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
            if (!new[] { "--module", "--reference", "--help-source", "--output" }.All(options.ContainsKey))
            {
                Console.Error.WriteLine("usage: --module <dll> --reference <System.Management.Automation.dll> --help-source <folder> --output <xml>");
                return 2;
            }
            string module = Path.GetFullPath(options["--module"]), sources = Path.GetFullPath(options["--help-source"]);

            var paths = new List<string>(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"));
            paths.AddRange(Directory.GetFiles(Path.GetDirectoryName(module)!, "*.dll"));
            paths.Add(options["--reference"]);
            using var context = new MetadataLoadContext(new PathAssemblyResolver(paths), "netstandard");
            var cmdlets = CmdletModel.Read(context.LoadFromAssemblyPath(module)).ToList();

            var common = HelpSource.Parse(Path.Combine(sources, CommonFile));
            var errors = new List<string>();
            var documented = new List<(CmdletModel, HelpSource, HelpSource)>();
            foreach (var cmdlet in cmdlets)
            {
                string file = Path.Combine(sources, cmdlet.Name + ".md");
                if (!File.Exists(file))
                {
                    errors.Add($"{file}: error KVHELP001: {cmdlet.Name} has no help source; write one like the others in this folder.");
                    continue;
                }
                var help = HelpSource.Parse(file);
                errors.AddRange(Check(cmdlet, help, common));
                documented.Add((cmdlet, help, common));
            }
            foreach (string file in Directory.GetFiles(sources, "*.md").Where(f => Path.GetFileName(f) != CommonFile))
            {
                if (!cmdlets.Any(c => c.Name + ".md" == Path.GetFileName(file)))
                    errors.Add($"{file}: error KVHELP002: no exported cmdlet is named {Path.GetFileNameWithoutExtension(file)}.");
            }
            foreach (string error in errors) Console.Error.WriteLine(error);
            if (errors.Count > 0) return 1;

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options["--output"]))!);
            MamlWriter.Write(options["--output"], documented);
            Console.WriteLine($"kvhelp: help for {cmdlets.Count} cmdlets written to {options["--output"]}");
            return 0;
        }

        /// <summary>What a user would miss: a synopsis, a description, examples with remarks, and every parameter explained.</summary>
        private static IEnumerable<string> Check(CmdletModel cmdlet, HelpSource help, HelpSource common)
        {
            string where = help.File + ": error KVHELP003: " + cmdlet.Name;
            if (help.Synopsis.Count == 0) yield return where + " has no SYNOPSIS.";
            if (help.Description.Count == 0) yield return where + " has no DESCRIPTION.";
            if (help.Examples.Count == 0) yield return where + " has no EXAMPLES.";
            foreach (var example in help.Examples.Where(e => e.Code.Length == 0 || e.Remarks.Count == 0))
                yield return $"{where} example '{example.Title}' needs code and a sentence on what it does.";
            foreach (var parameter in cmdlet.Parameters.Where(p => MamlWriter.Describe(p, help, common).All(t => t.StartsWith("Aliases:", StringComparison.Ordinal))))
                yield return $"{where} -{parameter.Name} is not described under PARAMETERS.";
            foreach (string name in help.Parameters.Keys.Where(n => cmdlet.Parameters.All(p => !string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase))))
                yield return $"{where} has no parameter -{name}, but its help describes one.";
        }
    }
}
