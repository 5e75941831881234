using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace KinesisVideoWebRTCStorage.Hosting
{
    /// <summary>
    /// Resolves the module's own dependencies for a host without binding redirects. Windows PowerShell 5.1 runs
    /// modules on .NET Framework with powershell.exe's configuration, so a reference to System.Buffers 4.0.2.0 (from
    /// System.Memory, AWSSDK.Core, …) fails against the System.Buffers 4.0.3.0 shipped beside it, and AWSSDK.Core's
    /// reference to System.Text.Json 6.0.0.0 fails against 8.0.0.0. This answers such a failed bind with the copy
    /// already loaded or the one shipped, when it is not older than asked and has the same signing key.
    /// </summary>
    public sealed class ModuleAssemblyResolver
    {
        private readonly string _directory;

        public ModuleAssemblyResolver(string directory)
        {
            _directory = directory;
        }

        /// <summary>An AppDomain.AssemblyResolve handler.</summary>
        public Assembly? Resolve(object? sender, ResolveEventArgs args) => Resolve(args.Name, AppDomain.CurrentDomain.GetAssemblies());

        internal Assembly? Resolve(string requestedName, IEnumerable<Assembly> loaded)
        {
            AssemblyName requested;
            try { requested = new AssemblyName(requestedName); }
            catch (Exception e) when (e is ArgumentException || e is FileLoadException) { return null; }
            if (string.IsNullOrEmpty(requested.Name) || requested.Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) return null;

            var already = loaded.FirstOrDefault(a => Fits(a.GetName(), requested));
            if (already != null) return already;

            var path = Path.Combine(_directory, requested.Name + ".dll");
            if (!File.Exists(path) || !Fits(AssemblyName.GetAssemblyName(path), requested)) return null;
            return Assembly.LoadFrom(path);
        }

        private static bool Fits(AssemblyName candidate, AssemblyName requested) =>
            string.Equals(candidate.Name, requested.Name, StringComparison.OrdinalIgnoreCase) &&
            (requested.Version == null || (candidate.Version != null && candidate.Version >= requested.Version)) &&
            SameKey(candidate.GetPublicKeyToken(), requested.GetPublicKeyToken());

        private static bool SameKey(byte[]? candidate, byte[]? requested) =>
            requested == null || requested.Length == 0 || (candidate != null && candidate.SequenceEqual(requested));
    }
}
