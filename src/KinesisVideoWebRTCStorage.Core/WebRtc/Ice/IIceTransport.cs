using System.Net;
using System.Net.Sockets;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>What a local candidate sends through: a host UDP socket, or a TURN allocation reached through one.</summary>
    internal interface IIceTransport
    {
        IceCandidate Candidate { get; }
        int LocalPreference { get; }
        AddressFamily AddressFamily { get; }
        void Send(byte[] datagram, IPEndPoint to);
    }
}
