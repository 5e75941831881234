using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>Tells RTCP from RTP when both share one transport (rtcp-mux, RFC 5761 §4).</summary>
    public static class RtcpDemultiplexer
    {
        /// <summary>
        /// True when the second octet is 192–223: RTCP packet types (200–206 in use) whose range RTP avoids by never
        /// using payload types 64–95. Call after RFC 7983 has sorted out STUN and DTLS (first octet 128–191).
        /// </summary>
        public static bool IsRtcp(ReadOnlySpan<byte> datagram) => datagram.Length >= 2 && datagram[1] >= 192 && datagram[1] <= 223;
    }
}
