using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.PowerShell
{
    /// <summary>
    /// Whether Import-Module can load every assembly the module folder holds, checked from metadata alone (no
    /// PowerShell runtime here). PowerShell 7.4 runs on .NET 8, whose own copy of an assembly wins over the module's:
    /// a reference to a newer version than .NET 8 has (System.Text.Json 9, say) fails at import with a
    /// FileLoadException, and a reference that is neither shipped nor in the framework fails when first used.
    /// </summary>
    public sealed class ModuleAssemblyClosureTests
    {
        private static readonly Version PowerShellStandardVersion = new Version(3, 0, 0, 0);

        [Fact]
        public void EveryReferenceIsShippedOrInDotNet8WithoutAskingForANewerVersion()
        {
            var shipped = Identities(Directory.GetFiles(ModuleMetadata.ModuleBin, "*.dll"));
            var dotnet8 = Identities(Directory.GetFiles(DotNet8ReferenceDirectory(), "*.dll"));
            Assert.True(dotnet8.ContainsKey("System.Text.Json"), "the .NET 8 reference pack was not read");

            var problems = new List<string>();
            foreach (var file in Directory.GetFiles(ModuleMetadata.ModuleBin, "*.dll"))
            foreach (var reference in ModuleMetadata.AssemblyReferences(file))
            {
                var from = Path.GetFileName(file);
                var (name, version) = (reference.Name!, reference.Version!);
                if (name == "System.Management.Automation")
                {
                    if (version > PowerShellStandardVersion) problems.Add($"{from} needs SMA {version}; Windows PowerShell 5.1 has {PowerShellStandardVersion}");
                }
                else if (dotnet8.TryGetValue(name, out var framework))
                {
                    if (version > framework) problems.Add($"{from} needs {name} {version}; PowerShell 7.4 (.NET 8) has {framework}");
                }
                else if (shipped.TryGetValue(name, out var beside))
                {
                    if (version > beside) problems.Add($"{from} needs {name} {version}; module/bin has {beside}");
                }
                else problems.Add($"{from} needs {name} {version}, which is neither in module/bin nor in .NET 8");
            }
            Assert.Empty(problems);
        }

        [Fact]
        public void OnWindowsPowerShellEveryShippedReferenceIsResolvableByTheModuleResolver()
        {
            // .NET Framework has no binding redirects for a module: where a shipped assembly is asked for at another
            // version, ModuleAssemblyResolver answers with the shipped copy, which needs it to be no older and signed
            // with the same key.
            var shipped = Directory.GetFiles(ModuleMetadata.ModuleBin, "*.dll").Select(f => AssemblyName.GetAssemblyName(f))
                .ToDictionary(n => n.Name!, StringComparer.Ordinal);
            var problems = new List<string>();
            var mismatched = 0;
            foreach (var file in Directory.GetFiles(ModuleMetadata.ModuleBin, "*.dll"))
            foreach (var reference in ModuleMetadata.AssemblyReferences(file))
            {
                if (!shipped.TryGetValue(reference.Name!, out var beside)) continue;
                if (beside.Version != reference.Version) mismatched++;
                if (beside.Version < reference.Version || !beside.GetPublicKeyToken()!.AsSpan().SequenceEqual(reference.GetPublicKeyToken()))
                    problems.Add($"{Path.GetFileName(file)} needs {reference.Name} {reference.Version}; module/bin has {beside.Version}");
            }
            Assert.Empty(problems);
            Assert.True(mismatched > 0, "no reference differs from what ships, so the resolver would have nothing to do; drop it");
        }

        [Fact]
        public void TheModuleFolderHoldsTheWholeDependencyClosureOfTheCmdlets()
        {
            var shipped = Identities(Directory.GetFiles(ModuleMetadata.ModuleBin, "*.dll"));
            var reached = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(new[] { "KinesisVideoWebRTCStorage.PowerShell" });
            while (pending.Count > 0)
            {
                var name = pending.Pop();
                if (!reached.Add(name)) continue;
                foreach (var reference in ModuleMetadata.AssemblyReferences(Path.Combine(ModuleMetadata.ModuleBin, name + ".dll")))
                    if (shipped.ContainsKey(reference.Name!)) pending.Push(reference.Name!);
            }
            // Everything the cmdlets reach is there, AWSSDK.Core (bound at import) among it.
            Assert.Contains("KinesisVideoWebRTCStorage.Core", reached);
            Assert.Contains("AWSSDK.Core", reached);
            Assert.Contains("BouncyCastle.Cryptography", reached);
            // Nothing ships that nothing loads, except the STS/SSO assemblies AWSSDK.Core finds by name for profiles.
            var unreached = shipped.Keys.Except(reached).OrderBy(n => n, StringComparer.Ordinal).ToList();
            Assert.Equal(new[] { "AWSSDK.SecurityToken", "AWSSDK.SSO", "AWSSDK.SSOOIDC" }.OrderBy(n => n, StringComparer.Ordinal), unreached);
        }

        [Fact]
        public void TheModuleShipsTheMaintainedBouncyCastleWithoutCve202429857()
        {
            // Portable.BouncyCastle (BouncyCastle.Crypto.dll) is deprecated, and every BouncyCastle before 2.3.1 parses
            // F2m curve parameters with a huge m for as long as the peer likes (CVE-2024-29857).
            Assert.False(File.Exists(Path.Combine(ModuleMetadata.ModuleBin, "BouncyCastle.Crypto.dll")));
            var version = System.Diagnostics.FileVersionInfo.GetVersionInfo(Path.Combine(ModuleMetadata.ModuleBin, "BouncyCastle.Cryptography.dll"));
            Assert.True(new Version(version.FileMajorPart, version.FileMinorPart, version.FileBuildPart) >= new Version(2, 3, 1), version.FileVersion);
        }

        private static Dictionary<string, Version> Identities(IEnumerable<string> files) =>
            files.Select(f => AssemblyName.GetAssemblyName(f)).ToDictionary(n => n.Name!, n => n.Version!, StringComparer.Ordinal);

        /// <summary>The .NET 8 reference pack that restoring the net8.0 projects (emulator, CLI) brings in.</summary>
        private static string DotNet8ReferenceDirectory()
        {
            var packs = Path.Combine(TestEnvironment.Metadata("NuGetPackageRoot"), "microsoft.netcore.app.ref");
            var newest = Directory.GetDirectories(packs, "8.*").OrderByDescending(d => Version.Parse(Path.GetFileName(d))).First();
            return Path.Combine(newest, "ref", "net8.0");
        }
    }
}
