using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc
{
    /// <summary>
    /// An attacker on the host's loopback: a raw UDP socket sees a copy of every UDP datagram delivered to 127.0.0.1 and
    /// sends datagrams whose UDP header it writes itself, so their source port can be anyone's, the legitimate peer's
    /// included. Needs CAP_NET_RAW (root, as in CI); <see cref="RawUdpFactAttribute"/> skips elsewhere.
    /// </summary>
    internal sealed class RawUdpWire : IDisposable
    {
        private readonly Socket _socket;
        private readonly byte[] _receive = new byte[65_536];

        public RawUdpWire()
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Udp);
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _socket.ReceiveBufferSize = 4 << 20;
        }

        /// <summary>Why a raw socket cannot be opened here, or null when it can.</summary>
        public static string? Unavailable { get; } = Probe();

        private static string? Probe()
        {
            try
            {
                using var probe = new RawUdpWire();
                return null;
            }
            catch (SocketException e)
            {
                return $"a raw socket needs CAP_NET_RAW (root): {e.SocketErrorCode}";
            }
        }

        /// <summary>Sends <paramref name="payload"/> to 127.0.0.1:<paramref name="toPort"/> as if from 127.0.0.1:<paramref name="fromPort"/>.</summary>
        public void Send(int fromPort, int toPort, ReadOnlySpan<byte> payload)
        {
            byte[] datagram = new byte[8 + payload.Length];
            BinaryPrimitives.WriteUInt16BigEndian(datagram, (ushort)fromPort);
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)toPort);
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
            // A zero checksum means none (RFC 768), which IPv4 receivers accept.
            payload.CopyTo(datagram.AsSpan(8));
            _socket.SendTo(datagram, new IPEndPoint(IPAddress.Loopback, 0));
        }

        /// <summary>
        /// The payloads of the next <paramref name="count"/> datagrams from <paramref name="fromPort"/> to
        /// <paramref name="toPort"/> that <paramref name="match"/> accepts.
        /// </summary>
        public Task<List<byte[]>> CaptureAsync(int fromPort, int toPort, Func<byte[], bool> match, int count, TimeSpan within) => Task.Run(() =>
        {
            var captured = new List<byte[]>();
            var deadline = DateTime.UtcNow + within;
            _socket.ReceiveTimeout = 200;
            while (captured.Count < count)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"captured {captured.Count} of {count} datagrams from port {fromPort} to {toPort}");
                int length;
                try
                {
                    length = _socket.Receive(_receive);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
                {
                    continue;
                }
                int header = (_receive[0] & 0x0F) * 4; // the IPv4 header comes with each datagram
                if (length < header + 8) continue;
                var udp = _receive.AsSpan(header, length - header);
                if (BinaryPrimitives.ReadUInt16BigEndian(udp) != fromPort || BinaryPrimitives.ReadUInt16BigEndian(udp.Slice(2)) != toPort) continue;
                byte[] payload = udp.Slice(8).ToArray();
                if (match(payload)) captured.Add(payload);
            }
            return captured;
        });

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>A fact that runs only where a <see cref="RawUdpWire"/> can be opened, and is reported skipped, with the reason, elsewhere.</summary>
    public sealed class RawUdpFactAttribute : FactAttribute
    {
        public RawUdpFactAttribute()
        {
            if (RawUdpWire.Unavailable is string reason) Skip = reason;
        }
    }
}
