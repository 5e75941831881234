using System;
using System.CommandLine;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Cli
{
    public static class Program
    {
        public static Task<int> Main(string[] args)
        {
            var root = new RootCommand("kvwebrtc: Kinesis Video WebRTC storage sessions from the command line.")
            {
                IngestCommands.Demo(),
                IngestCommands.Ingest(),
                EmulatorCommand.Create(),
                AwsCommands.Endpoint(),
                AwsCommands.Join(),
            };
            return root.Parse(args).InvokeAsync();
        }
    }
}
