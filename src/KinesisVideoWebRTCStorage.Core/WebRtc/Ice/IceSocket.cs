using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>One UDP socket per local host candidate, with a receive loop handing every datagram to the agent.</summary>
    internal sealed class IceSocket : IIceTransport, IDisposable
    {
        private readonly UdpClient _client;

        private IceSocket(UdpClient client, IceCandidate candidate, int localPreference)
        {
            _client = client;
            Candidate = candidate;
            LocalPreference = localPreference;
        }

        public IceCandidate Candidate { get; }
        public int LocalPreference { get; }
        public AddressFamily AddressFamily => _client.Client.AddressFamily;

        /// <summary>Binds an ephemeral port on the address; null when the address cannot be bound (e.g. IPv6 disabled).</summary>
        public static IceSocket? TryBind(IPAddress address, int index)
        {
            UdpClient client;
            try
            {
                client = new UdpClient(new IPEndPoint(address, 0));
            }
            catch (SocketException)
            {
                return null;
            }
            int localPreference = 65535 - index;
            var endpoint = (IPEndPoint)client.Client.LocalEndPoint!;
            var candidate = new IceCandidate((index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, "udp",
                IceCandidate.ComputePriority(IceCandidateType.Host, localPreference, 1), endpoint.Address.ToString(), endpoint.Port, IceCandidateType.Host);
            return new IceSocket(client, candidate, localPreference);
        }

        public void Send(byte[] datagram, IPEndPoint to) => Send(datagram, datagram.Length, to);

        public void Send(byte[] buffer, int length, IPEndPoint to)
        {
            try
            {
                _client.Send(buffer, length, to);
            }
            catch (SocketException)
            {
                // UDP is best effort; an unreachable peer shows up as failed checks or lost consent.
            }
            catch (ObjectDisposedException)
            {
                // Closed while sending.
            }
        }

        /// <summary>
        /// Receives on a thread of its own, blocking, and hands every datagram to <paramref name="onDatagram"/> in order.
        /// </summary>
        /// <remarks>
        /// The socket is never used asynchronously, so the runtime never registers it with its epoll engine: there,
        /// every datagram sent frees write space and wakes the engine's thread, about once per packet for nothing,
        /// and every datagram received hops from that thread to a pool worker. Blocking costs one thread per local
        /// candidate and one wake-up per datagram received. The receive timeout bounds how late a stop is noticed.
        /// </remarks>
        public void StartReceiving(Action<IceSocket, byte[], IPEndPoint> onDatagram, Func<bool> stopped)
        {
            _client.Client.ReceiveTimeout = (int)StopCheckInterval.TotalMilliseconds;
            new Thread(() => ReceiveLoop(onDatagram, stopped)) { IsBackground = true, Name = "ICE receive" }.Start();
        }

        private static readonly TimeSpan StopCheckInterval = TimeSpan.FromSeconds(1);

        /// <summary>Larger than any datagram a WebRTC peer sends (they keep under the path MTU); longer ones are dropped.</summary>
        private const int MaxDatagram = 8192;

        private void ReceiveLoop(Action<IceSocket, byte[], IPEndPoint> onDatagram, Func<bool> stopped)
        {
            var buffer = new byte[MaxDatagram];
            var any = new IPEndPoint(AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            while (!stopped())
            {
                EndPoint from = any;
                int length;
                try
                {
                    length = _client.Client.ReceiveFrom(buffer, ref from);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    // A timeout (to check for a stop), a datagram longer than the buffer, or, on Windows, ICMP port
                    // unreachable from an earlier send: keep receiving.
                    continue;
                }
                var datagram = new byte[length];
                Buffer.BlockCopy(buffer, 0, datagram, 0, length);
                onDatagram(this, datagram, (IPEndPoint)from);
            }
        }

        public void Dispose() => _client.Dispose();
    }
}
