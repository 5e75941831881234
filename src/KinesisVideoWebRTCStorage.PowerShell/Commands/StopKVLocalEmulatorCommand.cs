using System;
using System.Management.Automation;
using KinesisVideoWebRTCStorage.Hosting;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>Stop-KVLocalEmulator: stops emulators started by Start-KVLocalEmulator (all of this session's when none is given).</summary>
    [Cmdlet(VerbsLifecycle.Stop, "KVLocalEmulator", SupportsShouldProcess = true)]
    public sealed class StopKVLocalEmulatorCommand : PSCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true)]
        public LocalEmulator[]? InputObject { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 10;

        private bool sawInput;

        protected override void ProcessRecord()
        {
            if (InputObject == null) return;
            sawInput = true;
            foreach (var emulator in InputObject) Stop(emulator);
        }

        protected override void EndProcessing()
        {
            if (sawInput) return;
            foreach (var emulator in LocalEmulator.Running) Stop(emulator);
        }

        private void Stop(LocalEmulator emulator)
        {
            if (!ShouldProcess($"emulator process {emulator.ProcessId} at {emulator.EndpointUrl}", "Stop")) return;
            emulator.StopAsync(TimeSpan.FromSeconds(TimeoutSec)).GetAwaiter().GetResult();
            WriteVerbose($"Stopped the emulator at {emulator.EndpointUrl}.");
        }
    }
}
