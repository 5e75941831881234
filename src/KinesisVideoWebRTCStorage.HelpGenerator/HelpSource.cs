using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace KinesisVideoWebRTCStorage.HelpGenerator
{
    /// <summary>An example: a title, the code as typed, and what it does.</summary>
    internal sealed record HelpExample(string Title, string Code, IReadOnlyList<string> Remarks);

    /// <summary>A documented input or output type.</summary>
    internal sealed record HelpType(string TypeName, IReadOnlyList<string> Description);

    /// <summary>
    /// The hand-written part of one cmdlet's help, from module/help/&lt;Verb-Noun&gt;.md in platyPS's layout: "## SYNOPSIS",
    /// "## DESCRIPTION", "## EXAMPLES" (each "### title", a ```powershell block, remarks), "## PARAMETERS" (each
    /// "### -Name" and its text), "## INPUTS", "## OUTPUTS", "## NOTES" and "## RELATED LINKS" ("- name" lines).
    /// Paragraphs are separated by blank lines; lines starting "- " are list items, kept as their own paragraphs.
    /// </summary>
    internal sealed class HelpSource
    {
        public string File { get; private set; } = "";
        public IReadOnlyList<string> Synopsis { get; private set; } = Array.Empty<string>();
        public IReadOnlyList<string> Description { get; private set; } = Array.Empty<string>();
        public List<HelpExample> Examples { get; } = new List<HelpExample>();
        public Dictionary<string, IReadOnlyList<string>> Parameters { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        public List<HelpType> Inputs { get; } = new List<HelpType>();
        public List<HelpType> Outputs { get; } = new List<HelpType>();
        public IReadOnlyList<string> Notes { get; private set; } = Array.Empty<string>();
        public List<string> RelatedLinks { get; } = new List<string>();

        public static HelpSource Parse(string path)
        {
            var source = new HelpSource { File = path };
            string? section = null, subsection = null;
            var body = new List<string>();

            void Flush()
            {
                if (section == null) return;
                var text = body.ToList();
                body.Clear();
                switch (section)
                {
                    case "SYNOPSIS": source.Synopsis = Paragraphs(text); break;
                    case "DESCRIPTION": source.Description = Paragraphs(text); break;
                    case "NOTES": source.Notes = Paragraphs(text); break;
                    case "RELATED LINKS": source.RelatedLinks.AddRange(text.Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l.Substring(2).Trim())); break;
                    case "EXAMPLES" when subsection != null: source.Examples.Add(Example(path, subsection, text)); break;
                    case "PARAMETERS" when subsection != null: source.Parameters[subsection.TrimStart('-')] = Paragraphs(text); break;
                    case "INPUTS" when subsection != null: source.Inputs.Add(new HelpType(subsection, Paragraphs(text))); break;
                    case "OUTPUTS" when subsection != null: source.Outputs.Add(new HelpType(subsection, Paragraphs(text))); break;
                }
            }

            bool inCode = false;
            foreach (string raw in System.IO.File.ReadAllLines(path))
            {
                string line = raw.TrimEnd();
                if (line.StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
                if (!inCode && line.StartsWith("## ", StringComparison.Ordinal))
                {
                    Flush();
                    section = line.Substring(3).Trim().ToUpperInvariant();
                    subsection = null;
                }
                else if (!inCode && line.StartsWith("### ", StringComparison.Ordinal))
                {
                    Flush();
                    subsection = line.Substring(4).Trim();
                }
                else if (!inCode && line.StartsWith("# ", StringComparison.Ordinal))
                {
                    continue; // the title
                }
                else
                {
                    body.Add(line);
                }
            }
            Flush();
            return source;
        }

        private static HelpExample Example(string path, string title, List<string> lines)
        {
            int open = lines.FindIndex(l => l.StartsWith("```", StringComparison.Ordinal));
            int close = open < 0 ? -1 : lines.FindIndex(open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            if (open < 0 || close < 0) throw new InvalidDataException($"{path}: example '{title}' has no ``` code block.");
            string code = string.Join("\n", lines.Skip(open + 1).Take(close - open - 1)).Trim('\n');
            return new HelpExample(title, code, Paragraphs(lines.Skip(close + 1)));
        }

        /// <summary>Blank-line separated paragraphs with their lines joined; list items stand alone.</summary>
        private static IReadOnlyList<string> Paragraphs(IEnumerable<string> lines)
        {
            var paragraphs = new List<string>();
            var current = new StringBuilder();
            void End()
            {
                if (current.Length > 0) paragraphs.Add(current.ToString());
                current.Clear();
            }
            foreach (string line in lines)
            {
                string text = line.Trim();
                if (text.Length == 0 || text.StartsWith("- ", StringComparison.Ordinal)) End();
                if (text.Length == 0) continue;
                if (current.Length > 0) current.Append(' ');
                current.Append(text);
            }
            End();
            return paragraphs;
        }
    }
}
