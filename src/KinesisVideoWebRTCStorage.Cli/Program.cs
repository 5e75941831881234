using System;
using System.CommandLine;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Cli
{
    public static class Program
    {
        /// <summary>How long a command may take to stop cleanly after SIGTERM or Ctrl+C before the process exits anyway.</summary>
        private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

        public static async Task<int> Main(string[] args)
        {
            var root = new RootCommand("kvwebrtc: Kinesis Video WebRTC storage sessions from the command line.")
            {
                IngestCommands.Demo(),
                IngestCommands.Ingest(),
                EmulatorCommand.Create(),
                AwsCommands.Endpoint(),
                AwsCommands.Join(),
            };
            using var signals = new TerminationSignals(StopBound);
            // System.CommandLine's own handling would end the process 2 s after the signal, before a clean stop.
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Token);
        }
    }
}
