namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// What Chromium's getStats() says about the media it received (the inbound-rtp reports of the video and the audio
    /// receiver). Counters are zero until the first packet of a kind arrives. Codecs read "&lt;mimeType&gt;;&lt;fmtp&gt;",
    /// e.g. "video/H264;level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f".
    /// VideoFramesReceived counts frames assembled from packets; VideoFramesDropped those discarded before decoding or
    /// after missing their display time.
    /// </summary>
    public sealed record ChromiumInboundStats(
        long VideoFramesDecoded,
        long VideoFramesReceived,
        long VideoFramesDropped,
        long VideoKeyFramesDecoded,
        long VideoPacketsReceived,
        long VideoPacketsLost,
        long VideoNackCount,
        int VideoFrameWidth,
        int VideoFrameHeight,
        string? VideoCodec,
        long AudioPacketsReceived,
        long AudioTotalSamplesReceived,
        string? AudioCodec);
}
