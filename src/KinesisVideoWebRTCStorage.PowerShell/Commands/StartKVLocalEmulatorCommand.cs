using System;
using System.IO;
using System.Management.Automation;
using KinesisVideoWebRTCStorage.Hosting;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>Start-KVLocalEmulator: runs the local Kinesis Video emulator as a child process and returns how to reach it.</summary>
    [Cmdlet(VerbsLifecycle.Start, "KVLocalEmulator")]
    [OutputType(typeof(LocalEmulator))]
    public sealed class StartKVLocalEmulatorCommand : KVCmdletBase
    {
        [Parameter(Position = 0)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        [Parameter]
        public string? DataDirectory { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string Region { get; set; } = "us-west-2";

        [Parameter]
        public string[]? TurnUri { get; set; }

        [Parameter]
        public string? TurnSecret { get; set; }

        /// <summary>UDP and TCP port of the emulator's own TURN server (when no -TurnUri is given); 0 takes a free one.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int TurnPort { get; set; }

        /// <summary>Viewers each storage session takes (3 by default); one more JoinStorageSessionAsViewer is a ClientLimitExceededException.</summary>
        [Parameter]
        [ValidateRange(0, 1000)]
        public int? MaxViewers { get; set; }

        [Parameter]
        [ValidateRange(0, 1000)]
        public int DropJoins { get; set; }

        /// <summary>Channels to create at start, each recording into a stream named &lt;channel&gt;-stream.</summary>
        [Parameter]
        public string[]? StorageChannel { get; set; }

        /// <summary>Serve HTTPS and WSS with a certificate from a private CA the emulator makes (its path is CaBundle).</summary>
        [Parameter]
        public SwitchParameter Tls { get; set; }

        /// <summary>Serve HTTPS and WSS with this PEM certificate (with -TlsKeyPath).</summary>
        [Parameter]
        public string? TlsCertificatePath { get; set; }

        [Parameter]
        public string? TlsKeyPath { get; set; }

        /// <summary>The host name in the endpoints the emulator hands out, e.g. kinesisvideo.us-west-2.amazonaws.com behind a hosts-file entry.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PublicHost { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 30;

        protected override void EndProcessing()
        {
            base.EndProcessing();
            var info = new LocalEmulatorStartInfo(EmulatorHostPath())
            {
                Port = Port,
                DataDirectory = DataDirectory == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(DataDirectory),
                Region = Region,
                TurnSecret = TurnSecret,
                TurnPort = TurnPort,
                MaxViewers = MaxViewers,
                DropJoins = DropJoins,
                ReadyTimeout = TimeSpan.FromSeconds(TimeoutSec),
                Tls = Tls.IsPresent,
                TlsCertificatePath = TlsCertificatePath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(TlsCertificatePath),
                TlsKeyPath = TlsKeyPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(TlsKeyPath),
                PublicHost = PublicHost,
            };
            foreach (var uri in TurnUri ?? Array.Empty<string>()) info.TurnUris.Add(uri);
            foreach (var channel in StorageChannel ?? Array.Empty<string>()) info.StorageChannels.Add(channel);
            ProcessOrTerminate(Port, () =>
            {
                var emulator = Run(token => LocalEmulator.StartAsync(info, token));
                WriteVerbose($"Emulator process {emulator.ProcessId} listens on {emulator.EndpointUrl}.");
                WriteObject(emulator);
            });
        }

        // The build places kvwebrtc beside the module's assemblies: module/bin/../emulator.
        private static string EmulatorHostPath() =>
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(StartKVLocalEmulatorCommand).Assembly.Location)!, "..", "emulator", "kvwebrtc.dll"));
    }
}
