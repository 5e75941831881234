using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace KinesisVideoWebRTCStorage.Tests.PowerShell
{
    /// <summary>
    /// The compiled module read with MetadataLoadContext: no PowerShell runtime is needed to inspect cmdlet attributes,
    /// because nothing is executed.
    /// </summary>
    public sealed class ModuleMetadata : IDisposable
    {
        public static readonly string RepoRoot = TestEnvironment.RepoRoot;
        public static readonly string ModuleBin = Path.Combine(RepoRoot, "module", "bin");
        public static readonly string ManifestPath = Path.Combine(RepoRoot, "KinesisVideoWebRTCStorage.psd1");

        private readonly MetadataLoadContext context;

        public ModuleMetadata()
        {
            var paths = new List<string>(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"));
            paths.AddRange(Directory.GetFiles(ModuleBin, "*.dll"));
            paths.Add(TestEnvironment.Metadata("PowerShellReferenceAssembly"));
            context = new MetadataLoadContext(new PathAssemblyResolver(paths), "netstandard");
            Module = context.LoadFromAssemblyPath(Path.Combine(ModuleBin, "KinesisVideoWebRTCStorage.PowerShell.dll"));
            Core = context.LoadFromAssemblyPath(Path.Combine(ModuleBin, "KinesisVideoWebRTCStorage.Core.dll"));
            Automation = context.LoadFromAssemblyName("System.Management.Automation");
        }

        public Assembly Module { get; }
        public Assembly Core { get; }
        public Assembly Automation { get; }

        public void Dispose() => context.Dispose();

        public IEnumerable<CmdletInfo> Cmdlets() =>
            Module.GetTypes()
                .Select(t => (Type: t, Attribute: Attribute(t.GetCustomAttributesData(), "System.Management.Automation.CmdletAttribute")))
                .Where(x => x.Attribute != null && !x.Type.IsAbstract)
                .Select(x => new CmdletInfo(x.Type, x.Attribute!));

        public CmdletInfo Cmdlet(string name) => Cmdlets().Single(c => c.Name == name);

        public IReadOnlyCollection<string> EnumNames(string fullName) =>
            Automation.GetType(fullName, throwOnError: true)!.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList();

        /// <summary>Every approved verb: the constants of System.Management.Automation's Verbs* classes.</summary>
        public IReadOnlyCollection<string> ApprovedVerbs() =>
            Automation.GetTypes().Where(t => t.Namespace == "System.Management.Automation" && t.Name.StartsWith("Verbs", StringComparison.Ordinal))
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!))
                .ToHashSet(StringComparer.Ordinal);

        /// <summary>The assembly a TypeRef token of <paramref name="file"/> points into (MetadataLoadContext cannot resolve tokens).</summary>
        internal static string AssemblyOfTypeReference(string file, int token)
        {
            using var pe = new PEReader(File.OpenRead(file));
            var reader = pe.GetMetadataReader();
            var handle = MetadataTokens.EntityHandle(token);
            if (handle.Kind != HandleKind.TypeReference) return $"(a {handle.Kind}, not a type reference)";
            var scope = reader.GetTypeReference((TypeReferenceHandle)handle).ResolutionScope;
            return scope.Kind == HandleKind.AssemblyReference
                ? reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name)
                : $"(scope {scope.Kind})";
        }

        /// <summary>The assemblies <paramref name="file"/> references.</summary>
        internal static IReadOnlyList<AssemblyName> AssemblyReferences(string file)
        {
            using var pe = new PEReader(File.OpenRead(file));
            var reader = pe.GetMetadataReader();
            return reader.AssemblyReferences.Select(handle => reader.GetAssemblyReference(handle).GetAssemblyName()).ToList();
        }

        internal static CustomAttributeData? Attribute(IEnumerable<CustomAttributeData> attributes, string fullName) =>
            attributes.FirstOrDefault(a => a.AttributeType.FullName == fullName);

        internal static object? Named(CustomAttributeData attribute, string name) =>
            attribute.NamedArguments.Where(a => a.MemberName == name).Select(a => a.TypedValue.Value).FirstOrDefault();
    }

    public sealed class CmdletInfo
    {
        public CmdletInfo(Type type, CustomAttributeData attribute)
        {
            Type = type;
            Verb = (string)attribute.ConstructorArguments[0].Value!;
            Noun = (string)attribute.ConstructorArguments[1].Value!;
            SupportsShouldProcess = ModuleMetadata.Named(attribute, "SupportsShouldProcess") as bool? ?? false;
            DefaultParameterSetName = ModuleMetadata.Named(attribute, "DefaultParameterSetName") as string;
            OutputTypes = type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
                .SelectMany(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => ((Type)v.Value!).FullName!))
                .ToList();
            Parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => (Property: p, Attributes: p.GetCustomAttributesData()))
                .Where(x => x.Attributes.Any(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute"))
                .Select(x => new ParameterInfo(x.Property, x.Attributes))
                .ToDictionary(p => p.Name, StringComparer.Ordinal);
        }

        public Type Type { get; }
        public string Verb { get; }
        public string Noun { get; }
        public string Name => Verb + "-" + Noun;
        public bool SupportsShouldProcess { get; }
        public string? DefaultParameterSetName { get; }
        public IReadOnlyList<string> OutputTypes { get; }
        public IReadOnlyDictionary<string, ParameterInfo> Parameters { get; }
    }

    public sealed class ParameterInfo
    {
        public ParameterInfo(PropertyInfo property, IList<CustomAttributeData> attributes)
        {
            Name = property.Name;
            TypeName = property.PropertyType.FullName!;
            Aliases = attributes.Where(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute")
                .SelectMany(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (string)v.Value!))
                .ToList();
            Sets = attributes.Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute")
                .Select(a => new ParameterSetEntry(
                    ModuleMetadata.Named(a, "ParameterSetName") as string ?? "__AllParameterSets",
                    ModuleMetadata.Named(a, "Mandatory") as bool? ?? false,
                    ModuleMetadata.Named(a, "Position") as int? ?? int.MinValue,
                    ModuleMetadata.Named(a, "ValueFromPipeline") as bool? ?? false,
                    ModuleMetadata.Named(a, "ValueFromPipelineByPropertyName") as bool? ?? false))
                .ToList();
        }

        public string Name { get; }
        public string TypeName { get; }
        public IReadOnlyList<string> Aliases { get; }
        public IReadOnlyList<ParameterSetEntry> Sets { get; }
        public ParameterSetEntry Only => Sets.Single();
    }

    public sealed record ParameterSetEntry(string SetName, bool Mandatory, int Position, bool ValueFromPipeline, bool ValueFromPipelineByPropertyName);
}
