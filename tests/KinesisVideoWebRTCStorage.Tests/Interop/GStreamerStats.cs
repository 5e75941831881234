using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// What the GStreamer offerer decoded (buffers that reached its fakesinks after decodebin, so a video frame counts
    /// only when it decoded), its ICE and connection states (webrtcbin's nicks: "new", "checking", "connected", ...), and
    /// webrtcbin's inbound-rtp reports.
    /// </summary>
    public sealed record GStreamerStats(
        long VideoFrames,
        long AudioBuffers,
        int VideoWidth,
        int VideoHeight,
        string IceState,
        string ConnectionState,
        IReadOnlyList<GStreamerInboundRtp> Inbound);
}
