using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Mux
{
    /// <summary>
    /// Classifies a datagram arriving on a WebRTC 5-tuple by its first byte (RFC 7983 section 7, RFC 9443):
    /// 0-3 STUN, 16-19 ZRTP, 20-63 DTLS, 64-79 TURN channel data, 128-191 RTP or RTCP.
    /// </summary>
    public static class PacketClassifier
    {
        public static PacketKind Classify(ReadOnlySpan<byte> packet)
        {
            if (packet.IsEmpty) return PacketKind.Unknown;
            byte first = packet[0];
            if (first <= 3) return PacketKind.Stun;
            if (first >= 16 && first <= 19) return PacketKind.Zrtp;
            if (first >= 20 && first <= 63) return PacketKind.Dtls;
            if (first >= 64 && first <= 79) return PacketKind.Turn;
            if (first >= 128 && first <= 191) return PacketKind.Rtp;
            return PacketKind.Unknown;
        }
    }
}
