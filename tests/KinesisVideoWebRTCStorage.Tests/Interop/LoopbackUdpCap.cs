using System;
using System.Linq;
using System.Text.Json;
using KinesisVideoWebRTCStorage.Tests.Ingest;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// A real tc tbf token bucket on the root namespace's loopback that only the UDP packets sent from one local port
    /// pass through: a capped uplink for one of our connections to a peer that runs outside our process (Chromium),
    /// while everything else on lo, the peer's feedback to us included, stays unshaped. <see cref="Dispose"/> removes
    /// it, leaving lo as it was (no qdisc). Needs root, as <see cref="NetworkLab"/> does.
    /// </summary>
    /// <remarks>
    /// This kernel has no prio qdisc, so the classful root is an htb without a default class: unclassified packets take
    /// its direct queue, which is not shaped, and a u32 filter sends the one source port to a class (far faster than
    /// the cap) whose child is the tbf. Only the source port is matched: packets to any of the machine's own addresses
    /// cross lo, and the pair Chromium's checks select may name its eth0 address rather than 127.0.0.1. lo's 64 KB MTU
    /// does not matter: the tbf drops only packets larger than its burst, and RTP packets are about 1200 bytes.
    /// </remarks>
    internal sealed class LoopbackUdpCap : IDisposable
    {
        private const string Handle = "20:";

        private LoopbackUdpCap(int sourcePort, string bucket)
        {
            SourcePort = sourcePort;
            Bucket = bucket;
        }

        public int SourcePort { get; }

        /// <summary>The tbf's parameters, as tc was given them.</summary>
        public string Bucket { get; }

        /// <summary>Caps UDP from 127.0.0.1:<paramref name="sourcePort"/> at <paramref name="rateKbit"/> (burst 30 kb, latency 300 ms, as bench/network.sh).</summary>
        public static LoopbackUdpCap Install(int sourcePort, int rateKbit)
        {
            // Another root qdisc on lo is someone else's (or a killed run's): replacing it would break their shaping.
            var (_, root, _) = NetworkLab.Run("tc", "qdisc show dev lo root");
            if (!root.TrimStart().StartsWith("qdisc noqueue", StringComparison.Ordinal))
                throw new Xunit.Sdk.XunitException($"lo already has a root qdisc, which this test will not replace: {root.Trim()} (a killed run's? 'tc qdisc del dev lo root' removes it)");

            var cap = new LoopbackUdpCap(sourcePort, $"tbf rate {rateKbit}kbit burst 30kb latency 300ms");
            NetworkLab.Tool("tc", "qdisc add dev lo root handle 1: htb");
            try
            {
                // The class only carries the tbf: its own rate is far above any cap, and its quantum is set because the
                // one htb derives from that rate is too big and warns.
                NetworkLab.Tool("tc", "class add dev lo parent 1: classid 1:1 htb rate 10gbit quantum 60000");
                NetworkLab.Tool("tc", $"qdisc add dev lo parent 1:1 handle {Handle} {cap.Bucket}");
                NetworkLab.Tool("tc", $"filter add dev lo parent 1: protocol ip prio 1 u32 match ip protocol 17 0xff match ip sport {sourcePort} 0xffff flowid 1:1");
                return cap;
            }
            catch
            {
                cap.Dispose();
                throw;
            }
        }

        /// <summary>What the tbf passed and dropped so far: proof that our packets took it.</summary>
        public (long Packets, long Bytes, long Dropped) Counters()
        {
            var (exit, json, stderr) = NetworkLab.Run("tc", "-s -j qdisc show dev lo");
            if (exit != 0) throw new Xunit.Sdk.XunitException($"tc -s -j qdisc show dev lo failed ({exit}): {stderr.Trim()}");
            using var document = JsonDocument.Parse(json);
            var tbf = document.RootElement.EnumerateArray().FirstOrDefault(q => q.GetProperty("kind").GetString() == "tbf" && q.GetProperty("handle").GetString() == Handle);
            if (tbf.ValueKind != JsonValueKind.Object) throw new Xunit.Sdk.XunitException($"the tbf {Handle} is gone from lo: {json}");
            return (tbf.GetProperty("packets").GetInt64(), tbf.GetProperty("bytes").GetInt64(), tbf.GetProperty("drops").GetInt64());
        }

        /// <summary>Removes the root qdisc and with it the class, the tbf and the filter.</summary>
        public void Dispose() => NetworkLab.Tool("tc", "qdisc del dev lo root");
    }
}
