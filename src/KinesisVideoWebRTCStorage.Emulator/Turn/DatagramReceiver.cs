using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Emulator.Turn
{
    /// <summary>Receives datagrams on a UDP socket into one buffer until the socket closes or the token stops it.</summary>
    internal static class DatagramReceiver
    {
        /// <param name="handle">Gets the sender and the length received; the buffer is reused for the next datagram.</param>
        public static async Task RunAsync(Socket socket, Memory<byte> buffer, Action<IPEndPoint, int> handle, CancellationToken stop)
        {
            EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            while (!stop.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stop).ConfigureAwait(false);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset || e.SocketErrorCode == SocketError.MessageSize)
                {
                    // An ICMP unreachable for an earlier send, or a datagram larger than any TURN message: skip it.
                    continue;
                }
                catch (Exception e) when (e is OperationCanceledException || e is ObjectDisposedException || e is SocketException)
                {
                    return;
                }
                handle((IPEndPoint)received.RemoteEndPoint, received.ReceivedBytes);
            }
        }
    }
}
