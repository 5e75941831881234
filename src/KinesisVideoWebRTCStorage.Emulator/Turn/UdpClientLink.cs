using System;
using System.Net;
using System.Net.Sockets;

namespace KinesisVideoWebRTCStorage.Emulator.Turn
{
    /// <summary>A client that talks to the server's UDP socket from one address; links with the same address are equal.</summary>
    internal sealed class UdpClientLink : TurnClientLink, IEquatable<UdpClientLink>
    {
        private readonly Socket _socket;

        public UdpClientLink(Socket socket, IPEndPoint remote) : base(remote)
        {
            _socket = socket;
        }

        public override bool IsStream => false;

        public override string TransportName => "udp";

        public override void Send(ReadOnlySpan<byte> message)
        {
            try
            {
                _socket.SendTo(message, SocketFlags.None, Remote);
            }
            catch (SocketException)
            {
                // UDP gives no delivery promise: an unreachable client loses the datagram, as on the wire.
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public bool Equals(UdpClientLink? other) => other != null && Remote.Equals(other.Remote);
        public override bool Equals(object? obj) => obj is UdpClientLink other && Equals(other);
        public override int GetHashCode() => Remote.GetHashCode();
    }
}
