using System.Management.Automation;
using Amazon.Runtime;

namespace KinesisVideoWebRTCStorage.PowerShell
{
    /// <summary>
    /// Runs when Import-Module loads the module. It binds AWSSDK.Core by name, so that SDK types such as
    /// [Amazon.Runtime.BasicAWSCredentials] work in the session before any cmdlet has run. Binding by name reuses the
    /// AWSSDK.Core that AWS.Tools already loaded, where the manifest's RequiredAssemblies would load module/bin's copy
    /// by path, which PowerShell 7 refuses ("Assembly with same name is already loaded") when the builds differ. With
    /// none loaded, the runtime finds it beside this assembly.
    /// </summary>
    public sealed class ModuleImport : IModuleAssemblyInitializer
    {
        public void OnImport() => _ = typeof(AWSCredentials).Assembly;
    }
}
