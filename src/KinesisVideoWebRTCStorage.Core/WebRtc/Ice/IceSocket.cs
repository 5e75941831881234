using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

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

        public async Task ReceiveLoop(Action<IceSocket, byte[], IPEndPoint> onDatagram, Func<bool> stopped)
        {
            while (!stopped())
            {
                UdpReceiveResult result;
                try
                {
                    result = await _client.ReceiveAsync().ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    // Windows reports ICMP port unreachable from an earlier send as a receive error; keep receiving.
                    continue;
                }
                onDatagram(this, result.Buffer, result.RemoteEndPoint);
            }
        }

        public void Dispose() => _client.Dispose();
    }
}
