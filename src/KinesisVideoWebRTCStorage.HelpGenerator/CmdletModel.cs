using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace KinesisVideoWebRTCStorage.HelpGenerator
{
    /// <summary>One parameter's entry in one parameter set, as its [Parameter] attribute declares it.</summary>
    internal sealed record ParameterEntry(string SetName, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

    /// <summary>A cmdlet parameter: its name, type, aliases and the parameter sets it belongs to.</summary>
    internal sealed class ParameterModel
    {
        public const string AllSets = "__AllParameterSets";

        public ParameterModel(string name, Type type, IReadOnlyList<string> aliases, IReadOnlyList<ParameterEntry> entries)
        {
            Name = name;
            Type = type;
            Aliases = aliases;
            Entries = entries;
        }

        public string Name { get; }
        public Type Type { get; }
        public IReadOnlyList<string> Aliases { get; }
        public IReadOnlyList<ParameterEntry> Entries { get; }

        public bool IsSwitch => Type.FullName == "System.Management.Automation.SwitchParameter";

        /// <summary>The type as Get-Command -Syntax shows it: short names, Nullable unwrapped.</summary>
        public string TypeName => ShortName(Type);

        public string FullTypeName => (Nullable.GetUnderlyingType(Type) ?? Type).FullName ?? Type.Name;

        public ParameterEntry? In(string set) => Entries.FirstOrDefault(e => e.SetName == set) ?? Entries.FirstOrDefault(e => e.SetName == AllSets);

        private static string ShortName(Type type)
        {
            if (type.IsArray) return ShortName(type.GetElementType()!) + "[]";
            if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1") return ShortName(type.GetGenericArguments()[0]);
            return type.Name;
        }
    }

    /// <summary>A compiled cmdlet read through MetadataLoadContext: nothing of it is executed.</summary>
    internal sealed class CmdletModel
    {
        private const string Automation = "System.Management.Automation.";

        private CmdletModel(Type type, CustomAttributeData cmdlet)
        {
            Type = type;
            Verb = (string)cmdlet.ConstructorArguments[0].Value!;
            Noun = (string)cmdlet.ConstructorArguments[1].Value!;
            DefaultSet = Named(cmdlet, "DefaultParameterSetName") as string;
            SupportsShouldProcess = Named(cmdlet, "SupportsShouldProcess") as bool? == true;
            OutputTypes = type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Automation + "OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments.SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many : new[] { arg }))
                .Select(arg => ((Type)arg.Value!).FullName!).ToList();
            Parameters = ReadParameters(type);
        }

        public Type Type { get; }
        public string Verb { get; }
        public string Noun { get; }
        public string Name => Verb + "-" + Noun;
        public string? DefaultSet { get; }
        public bool SupportsShouldProcess { get; }
        public IReadOnlyList<string> OutputTypes { get; }
        public IReadOnlyList<ParameterModel> Parameters { get; }

        /// <summary>The parameter sets, the default first; one unnamed set when no parameter names one.</summary>
        public IReadOnlyList<string> ParameterSets
        {
            get
            {
                var named = Parameters.SelectMany(p => p.Entries).Select(e => e.SetName).Where(s => s != ParameterModel.AllSets).Distinct().ToList();
                if (named.Count == 0) return new[] { ParameterModel.AllSets };
                if (DefaultSet != null && named.Remove(DefaultSet)) named.Insert(0, DefaultSet);
                return named;
            }
        }

        /// <summary>
        /// The parameters of one set in the order PowerShell's syntax shows them: positional by position, then the
        /// mandatory named ones, then the rest in declaration order.
        /// </summary>
        public IReadOnlyList<(ParameterModel Parameter, ParameterEntry Entry)> SetParameters(string set) =>
            Parameters.Select(p => (Parameter: p, Entry: p.In(set)!)).Where(x => x.Entry != null)
                .Select((x, order) => (x, order))
                .OrderBy(y => y.x.Entry.Position ?? int.MaxValue).ThenBy(y => y.x.Entry.Mandatory ? 0 : 1).ThenBy(y => y.order)
                .Select(y => y.x).ToList();

        public static IEnumerable<CmdletModel> Read(Assembly module) =>
            module.GetTypes().Where(t => !t.IsAbstract && t.IsPublic)
                .Select(t => (Type: t, Attribute: t.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == Automation + "CmdletAttribute")))
                .Where(x => x.Attribute != null)
                .Select(x => new CmdletModel(x.Type, x.Attribute!))
                .OrderBy(c => c.Name, StringComparer.Ordinal);

        private static IReadOnlyList<ParameterModel> ReadParameters(Type type)
        {
            // The cmdlet's own parameters first, then its base classes', as PowerShell orders them.
            var chain = new List<Type>();
            for (var t = type; t != null && t.FullName != Automation + "PSCmdlet"; t = t.BaseType) chain.Add(t);
            var parameters = new List<ParameterModel>();
            foreach (var declaring in chain)
            {
                foreach (var property in declaring.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                {
                    var attributes = property.GetCustomAttributesData();
                    var entries = attributes.Where(a => a.AttributeType.FullName == Automation + "ParameterAttribute").Select(a =>
                    {
                        int position = Named(a, "Position") as int? ?? int.MinValue;
                        return new ParameterEntry(Named(a, "ParameterSetName") as string ?? ParameterModel.AllSets, Named(a, "Mandatory") as bool? == true,
                            position == int.MinValue ? null : position, Named(a, "ValueFromPipeline") as bool? == true, Named(a, "ValueFromPipelineByPropertyName") as bool? == true);
                    }).ToList();
                    if (entries.Count == 0) continue;
                    var aliases = attributes.Where(a => a.AttributeType.FullName == Automation + "AliasAttribute")
                        .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (string)v.Value!).ToList();
                    parameters.Add(new ParameterModel(property.Name, property.PropertyType, aliases, entries));
                }
            }
            return parameters;
        }

        private static object? Named(CustomAttributeData attribute, string name) =>
            attribute.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();
    }
}
