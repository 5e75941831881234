using System.Net;
using KinesisVideoWebRTCStorage.WebRtc.Mux;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>A DTLS or RTP/RTCP datagram from an authenticated remote endpoint; the array belongs to the handler.</summary>
    public delegate void IceDataHandler(PacketKind kind, byte[] datagram, IPEndPoint remote);
}
