using System;
using System.Management.Automation;
using KinesisVideoWebRTCStorage.Hosting;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// Stop-KVLocalEmulator: stops emulators started by Start-KVLocalEmulator (all of this session's when none is
    /// given). Each finishes its recordings; Ctrl+C stops waiting and kills the process.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "KVLocalEmulator", SupportsShouldProcess = true)]
    public sealed class StopKVLocalEmulatorCommand : KVCmdletBase
    {
        [Parameter(Position = 0, ValueFromPipeline = true)]
        public LocalEmulator[]? InputObject { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 10;

        [Parameter]
        public SwitchParameter Force { get; set; }

        private bool sawInput;

        protected override void ProcessRecord()
        {
            if (InputObject == null) return;
            sawInput = true;
            foreach (var emulator in InputObject) Stop(emulator);
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (sawInput) return;
            foreach (var emulator in LocalEmulator.Running) Stop(emulator);
        }

        private void Stop(LocalEmulator emulator) => ProcessItem(emulator.EndpointUrl, () =>
        {
            if (!ShouldProceed(Force, $"emulator process {emulator.ProcessId} at {emulator.EndpointUrl}", "Stop")) return;
            Run(async token =>
            {
                await emulator.StopAsync(TimeSpan.FromSeconds(TimeoutSec), token).ConfigureAwait(false);
                return emulator;
            });
            WriteVerbose($"Stopped the emulator at {emulator.EndpointUrl}.");
        });
    }
}
