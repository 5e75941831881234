using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using KinesisVideoWebRTCStorage.Hosting;

namespace KinesisVideoWebRTCStorage.PowerShell
{
    /// <summary>
    /// Runs when Import-Module loads the module and when Remove-Module unloads it.
    /// <para>
    /// It binds AWSSDK.Core by name, so that SDK types such as [Amazon.Runtime.BasicAWSCredentials] work in the
    /// session before any cmdlet has run. Binding by name reuses the AWSSDK.Core that AWS.Tools already loaded, where
    /// the manifest's RequiredAssemblies would load module/bin's copy by path, which PowerShell 7 refuses ("Assembly
    /// with same name is already loaded") when the builds differ. With none loaded, the runtime finds it beside this
    /// assembly.
    /// </para>
    /// <para>
    /// On Windows PowerShell 5.1 (.NET Framework) it first installs <see cref="ModuleAssemblyResolver"/>, since there
    /// the shipped dependencies reference each other at versions other than the ones shipped.
    /// </para>
    /// </summary>
    public sealed class ModuleImport : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly ResolveEventHandler? DesktopResolver =
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)
                ? new ModuleAssemblyResolver(Path.GetDirectoryName(typeof(ModuleImport).Assembly.Location)!).Resolve
                : null;

        public void OnImport()
        {
            if (DesktopResolver != null) AppDomain.CurrentDomain.AssemblyResolve += DesktopResolver;
            BindAwsSdk();
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (DesktopResolver != null) AppDomain.CurrentDomain.AssemblyResolve -= DesktopResolver;
        }

        // A method of its own, never inlined: AWSSDK.Core is bound when this is compiled, after the resolver is in place.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void BindAwsSdk() => _ = typeof(AWSCredentials).Assembly;
    }
}
