using System;
using System.Net;
using System.Net.Sockets;

namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    /// <summary>
    /// The XOR-MAPPED-ADDRESS encoding: port XORed with the cookie's top half, address with the cookie (IPv4) or with the
    /// cookie and transaction id (IPv6), so that NATs rewriting addresses in payloads leave it alone.
    /// </summary>
    internal static class StunXorAddress
    {
        private static readonly byte[] Cookie = { 0x21, 0x12, 0xA4, 0x42 };

        public static byte[] Encode(IPEndPoint endpoint, ReadOnlySpan<byte> transactionId)
        {
            byte[] address = endpoint.Address.GetAddressBytes();
            var value = new byte[4 + address.Length];
            value[1] = address.Length == 4 ? (byte)1 : (byte)2;
            int port = endpoint.Port ^ 0x2112;
            value[2] = (byte)(port >> 8);
            value[3] = (byte)port;
            for (int i = 0; i < address.Length; i++) value[4 + i] = (byte)(address[i] ^ Mask(i, transactionId));
            return value;
        }

        public static IPEndPoint Decode(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId)
        {
            if (value.Length < 4) throw new StunFormatException("XOR-MAPPED-ADDRESS is too short");
            int length = value[1] switch
            {
                1 => 4,
                2 => 16,
                _ => throw new StunFormatException($"XOR-MAPPED-ADDRESS has unknown family {value[1]}"),
            };
            if (value.Length != 4 + length) throw new StunFormatException("XOR-MAPPED-ADDRESS length does not match its family");
            int port = ((value[2] << 8) | value[3]) ^ 0x2112;
            var address = new byte[length];
            for (int i = 0; i < length; i++) address[i] = (byte)(value[4 + i] ^ Mask(i, transactionId));
            return new IPEndPoint(new IPAddress(address), port);
        }

        private static byte Mask(int index, ReadOnlySpan<byte> transactionId) => index < 4 ? Cookie[index] : transactionId[index - 4];

        public static bool IsSupported(IPEndPoint endpoint) =>
            endpoint.AddressFamily == AddressFamily.InterNetwork || endpoint.AddressFamily == AddressFamily.InterNetworkV6;
    }
}
