using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Hosting
{
    /// <summary>The emulator did not come up: dotnet or kvwebrtc missing, port taken, or no ready line in time.</summary>
    public sealed class LocalEmulatorStartException : Exception
    {
        public LocalEmulatorStartException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>How to start <c>kvwebrtc emulator</c> as a child process.</summary>
    public sealed class LocalEmulatorStartInfo
    {
        public LocalEmulatorStartInfo(string cliPath)
        {
            CliPath = cliPath;
        }

        /// <summary>kvwebrtc.dll, run with the dotnet host.</summary>
        public string CliPath { get; }
        public int Port { get; set; }
        public string? DataDirectory { get; set; }
        public string Region { get; set; } = "us-west-2";
        public IList<string> TurnUris { get; } = new List<string>();
        public string? TurnSecret { get; set; }

        /// <summary>UDP and TCP port of the emulator's own TURN server, used when <see cref="TurnUris"/> is empty; 0 takes a free one.</summary>
        public int TurnPort { get; set; }

        /// <summary>Viewers each storage session takes; null leaves the emulator's default (3).</summary>
        public int? MaxViewers { get; set; }
        public int DropJoins { get; set; }

        /// <summary>Channels to create at start, each with a linked stream and media storage enabled.</summary>
        public IList<string> StorageChannels { get; } = new List<string>();

        /// <summary>Serve HTTPS and WSS with a certificate from the emulator's private CA (see <see cref="LocalEmulator.CaBundle"/>).</summary>
        public bool Tls { get; set; }

        /// <summary>Serve HTTPS and WSS with this PEM certificate and key instead.</summary>
        public string? TlsCertificatePath { get; set; }
        public string? TlsKeyPath { get; set; }

        /// <summary>The host name in the endpoints the emulator hands out (behind a hosts-file entry).</summary>
        public string? PublicHost { get; set; }
        public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(30);
    }

    /// <summary>
    /// A running local emulator child process, as Start-KVLocalEmulator returns it: where it listens and the key
    /// pair it trusts (a documented test pair, not a secret of the user's). It ends when its standard input closes,
    /// so it cannot outlive a host that dies.
    /// </summary>
    public sealed class LocalEmulator : IDisposable
    {
        private static readonly object RunningGate = new object();
        private static readonly List<LocalEmulator> RunningEmulators = new List<LocalEmulator>();

        private readonly Process process;

        private LocalEmulator(Process process, string endpointUrl, string region, string accessKey, string secretKey, string? dataDirectory, string? caBundle,
            IReadOnlyList<string> turnUris)
        {
            TurnUris = turnUris;
            this.process = process;
            EndpointUrl = endpointUrl;
            Region = region;
            AccessKey = accessKey;
            SecretKey = secretKey;
            DataDirectory = dataDirectory;
            CaBundle = caBundle;
            ProcessId = process.Id;
        }

        public string EndpointUrl { get; }
        public string Region { get; }
        public string AccessKey { get; }
        public string SecretKey { get; }
        public string? DataDirectory { get; }

        /// <summary>The private CA's certificate (PEM) when the emulator serves TLS with one, for AWS_CA_BUNDLE.</summary>
        public string? CaBundle { get; }

        /// <summary>The TURN URIs GetIceServerConfig hands out: the emulator's own server unless external ones were given.</summary>
        public IReadOnlyList<string> TurnUris { get; }
        public int ProcessId { get; }
        public bool HasExited => process.HasExited;

        public static IReadOnlyList<LocalEmulator> Running
        {
            get
            {
                lock (RunningGate) return RunningEmulators.Where(e => !e.HasExited).ToList();
            }
        }

        public static async Task<LocalEmulator> StartAsync(LocalEmulatorStartInfo info, CancellationToken cancellationToken)
        {
            if (!File.Exists(info.CliPath))
                throw new LocalEmulatorStartException($"The emulator host {info.CliPath} is missing; build the solution (dotnet build) first.");
            var start = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            var arguments = new List<string> { info.CliPath, "emulator", "--json", "--exit-on-stdin-close", "--port", info.Port.ToString(), "--region", info.Region };
            if (info.DataDirectory != null) arguments.AddRange(new[] { "--data-dir", info.DataDirectory });
            foreach (var uri in info.TurnUris) arguments.AddRange(new[] { "--turn-uri", uri });
            if (info.TurnSecret != null) arguments.AddRange(new[] { "--turn-secret", info.TurnSecret });
            if (info.TurnPort != 0) arguments.AddRange(new[] { "--turn-port", info.TurnPort.ToString() });
            if (info.MaxViewers is int maxViewers) arguments.AddRange(new[] { "--max-viewers", maxViewers.ToString() });
            if (info.DropJoins > 0) arguments.AddRange(new[] { "--drop-joins", info.DropJoins.ToString() });
            foreach (var channel in info.StorageChannels) arguments.AddRange(new[] { "--storage-channel", channel });
            if (info.Tls) arguments.Add("--tls");
            if (info.TlsCertificatePath != null) arguments.AddRange(new[] { "--tls-cert", info.TlsCertificatePath });
            if (info.TlsKeyPath != null) arguments.AddRange(new[] { "--tls-key", info.TlsKeyPath });
            if (info.PublicHost != null) arguments.AddRange(new[] { "--public-host", info.PublicHost });
            start.Arguments = string.Join(" ", arguments.Select(Quote));

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new LocalEmulatorStartException("dotnet did not start.");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new LocalEmulatorStartException("The dotnet host was not found on PATH; install the .NET 8 (or later) runtime.", e);
            }

            var errors = process.StandardError.ReadToEndAsync();
            var readyLine = process.StandardOutput.ReadLineAsync();
            var finished = await Task.WhenAny(readyLine, Task.Delay(info.ReadyTimeout, cancellationToken)).ConfigureAwait(false);
            string? line = finished == readyLine ? await readyLine.ConfigureAwait(false) : null;
            if (line == null || !line.StartsWith("{", StringComparison.Ordinal))
            {
                Kill(process);
                var stderr = await Task.WhenAny(errors, Task.Delay(2000)).ConfigureAwait(false) == errors ? (await errors.ConfigureAwait(false)).Trim() : "";
                cancellationToken.ThrowIfCancellationRequested();
                throw new LocalEmulatorStartException(stderr.Length > 0
                    ? $"The emulator did not start: {stderr}"
                    : $"The emulator wrote no ready line within {info.ReadyTimeout.TotalSeconds:0} s.");
            }

            using var ready = JsonDocument.Parse(line);
            string Get(string name) => ready.RootElement.GetProperty(name).GetString() ?? "";
            string? caBundle = ready.RootElement.TryGetProperty("CaBundle", out var ca) && ca.ValueKind == JsonValueKind.String ? ca.GetString() : null;
            var turnUris = ready.RootElement.TryGetProperty("TurnUris", out var turn) && turn.ValueKind == JsonValueKind.Array
                ? turn.EnumerateArray().Select(u => u.GetString() ?? "").ToList()
                : new List<string>();
            var emulator = new LocalEmulator(process, Get("EndpointUrl"), Get("Region"), Get("AccessKey"), Get("SecretKey"), info.DataDirectory, caBundle, turnUris);
            lock (RunningGate) RunningEmulators.Add(emulator);
            return emulator;
        }

        /// <summary>
        /// Asks the emulator to stop (it finishes its recordings), and kills it if it has not within the bound or when
        /// <paramref name="cancellationToken"/> gives up waiting (then the cancellation is thrown after the kill).
        /// </summary>
        public async Task StopAsync(TimeSpan bound, CancellationToken cancellationToken = default)
        {
            lock (RunningGate) RunningEmulators.Remove(this);
            if (process.HasExited) return;
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
            var exited = Task.Run(() => process.WaitForExit((int)bound.TotalMilliseconds));
            await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
            if (!exited.IsCompleted || !await exited.ConfigureAwait(false)) Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
        }

        public void Dispose()
        {
            StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            process.Dispose();
        }

        private static void Kill(Process process)
        {
            try
            {
                if (!process.HasExited) process.Kill();
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
        }

        private static string Quote(string argument) =>
            argument.Length > 0 && argument.All(c => !char.IsWhiteSpace(c) && c != '"') ? argument : "\"" + argument.Replace("\"", "\\\"") + "\"";
    }
}
