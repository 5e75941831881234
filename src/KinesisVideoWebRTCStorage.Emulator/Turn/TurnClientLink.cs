using System;
using System.Net;

namespace KinesisVideoWebRTCStorage.Emulator.Turn
{
    /// <summary>
    /// The leg between a TURN client and the server: a remote UDP address on the server's socket, or one TCP
    /// connection. An allocation belongs to its link (RFC 8656 section 2.2, the 5-tuple).
    /// </summary>
    internal abstract class TurnClientLink
    {
        protected TurnClientLink(IPEndPoint remote)
        {
            Remote = remote;
        }

        /// <summary>The client's address as the server sees it (XOR-MAPPED-ADDRESS).</summary>
        public IPEndPoint Remote { get; }

        /// <summary>Streams need ChannelData padded to 4 bytes (RFC 8656 section 12.5).</summary>
        public abstract bool IsStream { get; }

        public abstract string TransportName { get; }

        /// <summary>Sends one whole message; a link that has gone away drops it.</summary>
        public abstract void Send(ReadOnlySpan<byte> message);

        public override string ToString() => $"{TransportName} {Remote}";
    }
}
