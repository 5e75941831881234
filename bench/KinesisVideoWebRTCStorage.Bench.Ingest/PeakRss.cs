using System.IO;
using System.Linq;

namespace KinesisVideoWebRTCStorage.Bench.Ingest
{
    /// <summary>
    /// A process's peak resident memory as Linux keeps it (VmHWM), which no sampling interval can miss, and which can be
    /// reset so one run is measured on its own.
    /// </summary>
    internal static class PeakRss
    {
        public static long Read(int processId)
        {
            string line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmHWM:", System.StringComparison.Ordinal));
            return long.Parse(line.Substring(6).Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }

        /// <summary>Starts the peak afresh from the current RSS (proc(5), clear_refs "5").</summary>
        public static void Reset(int processId) => File.WriteAllText($"/proc/{processId}/clear_refs", "5");
    }
}
