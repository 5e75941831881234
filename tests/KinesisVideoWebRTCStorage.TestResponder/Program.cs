using System;
using System.Text.Json.Nodes;
using System.Threading;

namespace KinesisVideoWebRTCStorage.TestResponder
{
    /// <summary>
    /// Runs <see cref="KvsResponder"/> for Pester tests: prints one JSON line (endpoint, key pair, region, channel ARNs)
    /// and serves until its standard input closes or it is stopped.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            int port = 0;
            for (int i = 0; i + 1 < args.Length; i++)
                if (args[i] == "--port") port = int.Parse(args[i + 1]);

            using var responder = new KvsResponder(port: port);
            var cam1 = responder.AddChannel("cam1", storageEnabled: true);
            var noStorage = responder.AddChannel("nostorage", storageEnabled: false);
            Console.WriteLine(new JsonObject
            {
                ["EndpointUrl"] = responder.Endpoint.ToString().TrimEnd('/'),
                ["AccessKey"] = responder.AccessKey,
                ["SecretKey"] = responder.SecretKey,
                ["Region"] = KvsResponder.Region,
                ["Cam1Arn"] = cam1,
                ["NoStorageArn"] = noStorage,
            }.ToJsonString());
            Console.Out.Flush();

            var done = new ManualResetEventSlim();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.Set(); };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => done.Set();
            var stdinWatcher = new Thread(() =>
            {
                try { while (Console.In.ReadLine() != null) { } }
                catch (Exception) { }
                done.Set();
            }) { IsBackground = true };
            stdinWatcher.Start();
            done.Wait();
            return 0;
        }
    }
}
