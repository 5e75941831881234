using System.Collections.Generic;
using System.Linq;
using System.Xml;

namespace KinesisVideoWebRTCStorage.HelpGenerator
{
    /// <summary>Writes cmdlet help in MAML, the XML that Get-Help reads for binary modules.</summary>
    internal sealed class MamlWriter
    {
        private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
        private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        private readonly XmlWriter _xml;

        private MamlWriter(XmlWriter xml) => _xml = xml;

        public static void Write(string path, IEnumerable<(CmdletModel Cmdlet, HelpSource Help, HelpSource Common)> cmdlets)
        {
            var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
            using var xml = XmlWriter.Create(path, settings);
            var writer = new MamlWriter(xml);
            xml.WriteStartDocument();
            xml.WriteStartElement("helpItems", "http://msh");
            xml.WriteAttributeString("schema", "maml");
            foreach (var (cmdlet, help, common) in cmdlets) writer.WriteCommand(cmdlet, help, common);
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        /// <summary>A parameter's description: the cmdlet's own, else the common one, with its aliases appended.</summary>
        public static IReadOnlyList<string> Describe(ParameterModel parameter, HelpSource help, HelpSource common)
        {
            var text = help.Parameters.TryGetValue(parameter.Name, out var own) ? own
                : common.Parameters.TryGetValue(parameter.Name, out var shared) ? shared : new List<string>();
            return parameter.Aliases.Count == 0 ? text : text.Append("Aliases: " + string.Join(", ", parameter.Aliases) + ".").ToList();
        }

        private void WriteCommand(CmdletModel cmdlet, HelpSource help, HelpSource common)
        {
            _xml.WriteStartElement("command", "command", Command);
            _xml.WriteAttributeString("xmlns", "maml", null, Maml);
            _xml.WriteAttributeString("xmlns", "dev", null, Dev);

            _xml.WriteStartElement("details", Command);
            _xml.WriteElementString("name", Command, cmdlet.Name);
            _xml.WriteElementString("verb", Command, cmdlet.Verb);
            _xml.WriteElementString("noun", Command, cmdlet.Noun);
            Paragraphs("description", Maml, help.Synopsis);
            _xml.WriteEndElement();
            Paragraphs("description", Maml, help.Description);

            _xml.WriteStartElement("syntax", Command);
            foreach (string set in cmdlet.ParameterSets)
            {
                _xml.WriteStartElement("syntaxItem", Command);
                _xml.WriteElementString("name", Maml, cmdlet.Name);
                foreach (var (parameter, entry) in cmdlet.SetParameters(set)) Parameter(parameter, entry.Mandatory, entry.Position, entry, null);
                if (cmdlet.SupportsShouldProcess) ShouldProcessParameters(withDescription: false);
                _xml.WriteEndElement();
            }
            _xml.WriteEndElement();

            _xml.WriteStartElement("parameters", Command);
            foreach (var parameter in cmdlet.Parameters)
            {
                // Mandatory and positioned where any of its sets says so, as platyPS documents it.
                var position = parameter.Entries.Select(e => e.Position).FirstOrDefault(p => p != null);
                var pipeline = new ParameterEntry("", false, position, parameter.Entries.Any(e => e.ByValue), parameter.Entries.Any(e => e.ByPropertyName));
                Parameter(parameter, parameter.Entries.Any(e => e.Mandatory), position, pipeline, Describe(parameter, help, common));
            }
            if (cmdlet.SupportsShouldProcess) ShouldProcessParameters(withDescription: true);
            _xml.WriteEndElement();

            Types("inputTypes", "inputType", help.Inputs);
            Types("returnValues", "returnValue", help.Outputs.Count > 0 ? help.Outputs : cmdlet.OutputTypes.Select(t => new HelpType(t, new string[0])).ToList());
            if (help.Notes.Count > 0)
            {
                _xml.WriteStartElement("alertSet", Maml);
                _xml.WriteStartElement("alert", Maml);
                foreach (string note in help.Notes) _xml.WriteElementString("para", Maml, note);
                _xml.WriteEndElement();
                _xml.WriteEndElement();
            }

            _xml.WriteStartElement("examples", Command);
            int number = 0;
            foreach (var example in help.Examples)
            {
                _xml.WriteStartElement("example", Command);
                number++;
                string title = example.Title.StartsWith("Example ", System.StringComparison.Ordinal) ? example.Title : $"Example {number}: {example.Title}";
                _xml.WriteElementString("title", Maml, $"-------------------------- {title} --------------------------");
                _xml.WriteElementString("code", Dev, example.Code);
                _xml.WriteStartElement("remarks", Dev);
                foreach (string remark in example.Remarks) _xml.WriteElementString("para", Maml, remark);
                _xml.WriteEndElement();
                _xml.WriteEndElement();
            }
            _xml.WriteEndElement();

            _xml.WriteStartElement("relatedLinks", Command);
            foreach (string link in help.RelatedLinks)
            {
                _xml.WriteStartElement("navigationLink", Maml);
                _xml.WriteElementString("linkText", Maml, link);
                _xml.WriteElementString("uri", Maml, "");
                _xml.WriteEndElement();
            }
            _xml.WriteEndElement();

            _xml.WriteEndElement();
        }

        private void Parameter(ParameterModel parameter, bool mandatory, int? position, ParameterEntry pipeline, IReadOnlyList<string>? description)
        {
            _xml.WriteStartElement("parameter", Command);
            _xml.WriteAttributeString("required", mandatory ? "true" : "false");
            _xml.WriteAttributeString("variableLength", parameter.Type.IsArray ? "true" : "false");
            _xml.WriteAttributeString("globbing", "false");
            _xml.WriteAttributeString("pipelineInput", PipelineInput(pipeline));
            _xml.WriteAttributeString("position", position?.ToString() ?? "named");
            _xml.WriteAttributeString("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases));
            _xml.WriteElementString("name", Maml, parameter.Name);
            if (description != null) Paragraphs("description", Maml, description);
            // A switch takes no value: Get-Help shows it as [-Name], not [-Name <SwitchParameter>].
            if (!parameter.IsSwitch || description != null)
            {
                _xml.WriteStartElement("parameterValue", Command);
                _xml.WriteAttributeString("required", parameter.IsSwitch ? "false" : "true");
                _xml.WriteAttributeString("variableLength", "false");
                _xml.WriteString(parameter.TypeName);
                _xml.WriteEndElement();
            }
            if (description != null)
            {
                _xml.WriteStartElement("type", Dev);
                _xml.WriteElementString("name", Maml, parameter.FullTypeName);
                _xml.WriteElementString("uri", Maml, "");
                _xml.WriteEndElement();
                _xml.WriteElementString("defaultValue", Dev, parameter.IsSwitch ? "False" : "None");
            }
            _xml.WriteEndElement();
        }

        private void ShouldProcessParameters(bool withDescription)
        {
            foreach (var (name, alias, text) in new[]
            {
                ("WhatIf", "wi", "Shows what would happen if the cmdlet runs. The cmdlet is not run."),
                ("Confirm", "cf", "Prompts you for confirmation before running the cmdlet."),
            })
            {
                _xml.WriteStartElement("parameter", Command);
                _xml.WriteAttributeString("required", "false");
                _xml.WriteAttributeString("variableLength", "true");
                _xml.WriteAttributeString("globbing", "false");
                _xml.WriteAttributeString("pipelineInput", "False");
                _xml.WriteAttributeString("position", "named");
                _xml.WriteAttributeString("aliases", alias);
                _xml.WriteElementString("name", Maml, name);
                if (withDescription)
                {
                    Paragraphs("description", Maml, new[] { text });
                    _xml.WriteStartElement("type", Dev);
                    _xml.WriteElementString("name", Maml, "System.Management.Automation.SwitchParameter");
                    _xml.WriteEndElement();
                    _xml.WriteElementString("defaultValue", Dev, "False");
                }
                _xml.WriteEndElement();
            }
        }

        private static string PipelineInput(ParameterEntry entry) =>
            entry.ByValue && entry.ByPropertyName ? "True (ByPropertyName, ByValue)"
            : entry.ByValue ? "True (ByValue)"
            : entry.ByPropertyName ? "True (ByPropertyName)"
            : "False";

        private void Types(string container, string element, IReadOnlyList<HelpType> types)
        {
            _xml.WriteStartElement(container, Command);
            foreach (var type in types)
            {
                _xml.WriteStartElement(element, Command);
                _xml.WriteStartElement("type", Dev);
                _xml.WriteElementString("name", Maml, type.TypeName);
                _xml.WriteEndElement();
                Paragraphs("description", Maml, type.Description);
                _xml.WriteEndElement();
            }
            _xml.WriteEndElement();
        }

        private void Paragraphs(string element, string ns, IEnumerable<string> paragraphs)
        {
            _xml.WriteStartElement(element, ns);
            foreach (string paragraph in paragraphs) _xml.WriteElementString("para", Maml, paragraph);
            _xml.WriteEndElement();
        }
    }
}
