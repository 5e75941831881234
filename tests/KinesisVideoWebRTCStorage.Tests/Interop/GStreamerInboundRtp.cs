namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// webrtcbin's inbound-rtp report for one SSRC. GStreamer 1.22 reports one codec for the whole bundle, so the
    /// SSRC, not the codec, tells the streams apart.
    /// </summary>
    public sealed record GStreamerInboundRtp(uint Ssrc, long PacketsReceived, long PacketsLost);
}
