using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Ingest
{
    /// <summary>
    /// A real impaired link on this machine (shared/docs/network-lab.md): a private network namespace whose own
    /// loopback (MTU 1500) is capped by a tc tbf token bucket and/or loses UDP at random through nft. Processes started
    /// with <see cref="Start"/> run inside it (<c>ip netns exec</c>), so everything they send crosses the impaired
    /// link and nothing leaves the machine. <see cref="Dispose"/> kills whatever still runs in the namespace and
    /// deletes it. Needs root, iproute2 (ip, tc) and nftables: <see cref="Unavailable"/> says why it cannot run.
    /// </summary>
    public sealed class NetworkLab : IDisposable
    {
        private static readonly Lazy<string?> Probe = new Lazy<string?>(ProbeOnce);
        private readonly List<Process> _processes = new List<Process>();

        private NetworkLab(string name) => Name = name;

        /// <summary>The namespace's name, unique to this lab.</summary>
        public string Name { get; }

        /// <summary>Null when a lab can be made here; otherwise why not (probed once, by making and deleting a namespace).</summary>
        public static string? Unavailable => Probe.Value;

        /// <summary>A new namespace with its loopback up; capped at <paramref name="rateKbit"/> when given, losing UDP at <paramref name="udpLossPerMille"/> when above 0.</summary>
        public static NetworkLab Create(int? rateKbit = null, int udpLossPerMille = 0)
        {
            var lab = new NetworkLab(UniqueName());
            Tool("ip", $"netns add {lab.Name}");
            try
            {
                Tool("ip", $"-n {lab.Name} link set lo up mtu 1500"); // tbf drops any packet larger than its burst: keep the MTU real
                if (rateKbit is int rate) Tool("tc", $"-n {lab.Name} qdisc add dev lo root {Bucket(rate)}");
                if (udpLossPerMille > 0)
                {
                    Tool("ip", $"netns exec {lab.Name} nft add table inet impair");
                    Tool("ip", $"netns exec {lab.Name} nft add chain inet impair out '{{ type filter hook output priority 0; }}'");
                    Tool("ip", $"netns exec {lab.Name} nft add rule inet impair out meta l4proto udp numgen random mod 1000 '<' {udpLossPerMille} drop");
                }
                return lab;
            }
            catch
            {
                lab.Dispose();
                throw;
            }
        }

        /// <summary>Changes the cap while traffic flows.</summary>
        public void SetRate(int rateKbit) => Tool("tc", $"-n {Name} qdisc change dev lo root {Bucket(rateKbit)}");

        /// <summary>Starts <paramref name="file"/> inside the namespace with stdin, stdout and stderr redirected; killed by <see cref="Dispose"/> if still running.</summary>
        public Process Start(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
        {
            var info = new ProcessStartInfo(FindTool("ip") ?? "ip")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { "netns", "exec", Name, file }.Concat(arguments)) info.ArgumentList.Add(argument);
            foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
            var process = Process.Start(info) ?? throw new InvalidOperationException($"ip netns exec {Name} {file} did not start");
            lock (_processes) _processes.Add(process);
            return process;
        }

        public void Dispose()
        {
            lock (_processes)
            {
                foreach (var process in _processes)
                {
                    try
                    {
                        if (!process.HasExited) process.Kill(entireProcessTree: true);
                        process.WaitForExit(5000);
                    }
                    catch (InvalidOperationException)
                    {
                        // it had already gone
                    }
                    process.Dispose();
                }
                _processes.Clear();
            }
            // Anything else still in the namespace (children that escaped the tree) goes with it.
            var (_, pids, _) = Run("ip", $"netns pids {Name}");
            foreach (string pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(pid, out int id))
                {
                    try
                    {
                        using var process = Process.GetProcessById(id);
                        process.Kill(entireProcessTree: true);
                        process.WaitForExit(5000);
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                    {
                        // it ended meanwhile
                    }
                }
            }
            Run("ip", $"netns del {Name}");
        }

        private static string Bucket(int rateKbit) => $"tbf rate {rateKbit}kbit burst 30kb latency 300ms";

        private static string UniqueName() => $"kvlab{Environment.ProcessId}{Guid.NewGuid().ToString("N").Substring(0, 8)}";

        /// <summary>Whether a lab can run: on Linux, as root, with ip, tc and nft, and a namespace that can really be made, capped and filtered.</summary>
        private static string? ProbeOnce()
        {
            if (!OperatingSystem.IsLinux()) return "the network lab needs Linux network namespaces";
            if (!Environment.IsPrivilegedProcess)
                return $"the network lab needs root for ip netns, tc and nft (running as uid {Uid()})";
            foreach (string tool in new[] { "ip", "tc", "nft" })
            {
                if (FindTool(tool) == null)
                    return $"the network lab needs '{tool}' (Debian packages iproute2 and nftables, which .ci/run installs), and it is not on PATH";
            }
            string name = UniqueName();
            var (exit, _, stderr) = Run("ip", $"netns add {name}");
            if (exit != 0) return $"'ip netns add' failed here ({exit}): {stderr.Trim()}";
            try
            {
                foreach (var (tool, arguments) in new[]
                {
                    ("ip", $"-n {name} link set lo up mtu 1500"),
                    ("tc", $"-n {name} qdisc add dev lo root {Bucket(1500)}"),
                    ("ip", $"netns exec {name} nft add table inet probe"),
                })
                {
                    (exit, _, stderr) = Run(tool, arguments);
                    if (exit != 0) return $"'{tool} {arguments}' failed in a test namespace ({exit}): {stderr.Trim()}";
                }
                return null;
            }
            finally
            {
                Run("ip", $"netns del {name}");
            }
        }

        private static string Uid()
        {
            try
            {
                return File.ReadAllLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "?";
            }
            catch (IOException)
            {
                return "?";
            }
        }

        /// <summary>The tool's path: PATH first, then the sbin folders a non-login root shell may lack.</summary>
        private static string? FindTool(string tool) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Concat(new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" })
                .Select(directory => Path.Combine(directory, tool))
                .FirstOrDefault(File.Exists);

        /// <summary>Runs a tool; fails the test with its stderr when it fails.</summary>
        internal static void Tool(string tool, string arguments)
        {
            var (exit, _, stderr) = Run(tool, arguments);
            if (exit != 0) throw new Xunit.Sdk.XunitException($"{tool} {arguments} failed ({exit}): {stderr.Trim()}");
        }

        /// <summary>Runs an ip/tc/nft command line (split by the shell's rules, through /bin/sh) and waits up to 30 s.</summary>
        internal static (int Exit, string Stdout, string Stderr) Run(string tool, string arguments)
        {
            string path = FindTool(tool) ?? tool;
            var info = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"exec {path} {arguments}");
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "", $"{tool} {arguments} did not finish within 30 s");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    /// <summary>A fact that runs only where a <see cref="NetworkLab"/> can be made, and is reported skipped, with the reason, elsewhere.</summary>
    public sealed class NetworkLabFactAttribute : FactAttribute
    {
        public NetworkLabFactAttribute()
        {
            if (NetworkLab.Unavailable is string reason) Skip = reason + " (see shared/docs/network-lab.md)";
        }
    }
}
