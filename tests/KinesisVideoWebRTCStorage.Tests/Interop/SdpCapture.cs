using System;
using System.IO;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// Keeps the real SDP the interop peers produce when KVS_INTEROP_SDP_CAPTURE names a directory. That is how the
    /// chromium156-* and gstreamer122-* seeds in WebRtc/Corpus/sdp were made; rerun with it set to refresh them after
    /// a browser or GStreamer upgrade.
    /// </summary>
    internal static class SdpCapture
    {
        public const string Variable = "KVS_INTEROP_SDP_CAPTURE";

        public static void Save(string fileName, string sdp)
        {
            string? directory = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrEmpty(directory)) return;
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, fileName), sdp);
        }
    }
}
