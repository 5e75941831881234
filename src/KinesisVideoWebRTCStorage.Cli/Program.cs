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
            if (args.Length > 0 && args[0] == "ingest") InlineSocketCompletions();
            var root = new RootCommand("kvwebrtc: Kinesis Video WebRTC storage sessions from the command line.")
            {
                IngestCommands.Demo(),
                IngestCommands.Ingest(),
                ViewCommand.Create(),
                EmulatorCommand.Create(),
                AwsCommands.Endpoint(),
                AwsCommands.Join(),
            };
            using var signals = new TerminationSignals(StopBound);
            // System.CommandLine's own handling would end the process 2 s after the signal, before a clean stop.
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Token);
        }

        /// <summary>
        /// One ingest's sockets carry little inbound traffic (feedback, consent checks, signaling), and handing each
        /// completion from the socket engine's thread to a pool worker cost more than handling it: inline, one ingest
        /// spends about a third less CPU (perf stat: 590 to 390 ms over 20 s of steady state). Nothing on those paths
        /// blocks. Set before the first socket exists, since the runtime reads it once; the emulator, which serves
        /// many sessions, keeps the pool. A value the user set wins.
        /// </summary>
        private static void InlineSocketCompletions()
        {
            const string variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
            if (Environment.GetEnvironmentVariable(variable) == null) Environment.SetEnvironmentVariable(variable, "1");
        }
    }
}
