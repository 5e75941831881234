using System;
using System.Net;

namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>
    /// A TURN server at a resolved address, how we reach it (UDP, TCP or TLS) and its long-term credentials (as KVS
    /// GetIceServerConfig returns them). The password never appears in <see cref="ToString"/>.
    /// </summary>
    public sealed class TurnServer
    {
        /// <summary>A server over UDP, as before transports were configurable.</summary>
        public TurnServer(IPEndPoint address, string username, string password)
            : this(address, TurnTransport.Udp, username, password)
        {
        }

        /// <param name="hostName">
        /// The name from the URI: TLS sends it as SNI and checks the certificate against it. Defaults to the address.
        /// </param>
        public TurnServer(IPEndPoint address, TurnTransport transport, string username, string password, string? hostName = null)
        {
            Address = address ?? throw new ArgumentNullException(nameof(address));
            Transport = transport;
            Username = username ?? throw new ArgumentNullException(nameof(username));
            Password = password ?? throw new ArgumentNullException(nameof(password));
            HostName = hostName ?? address.Address.ToString();
        }

        public IPEndPoint Address { get; }
        public TurnTransport Transport { get; }
        public string HostName { get; }
        public string Username { get; }
        public string Password { get; }

        /// <summary>
        /// Parses a <c>turn:</c> or <c>turns:</c> URI and resolves its host (an IPv4 address first, as the relays we
        /// allocate are IPv4). Throws <see cref="TurnUriFormatException"/> for a malformed URI,
        /// <see cref="NotSupportedException"/> for <c>turns:…?transport=udp</c> (DTLS to the server) and
        /// <see cref="TurnException"/> when the name does not resolve.
        /// </summary>
        public static TurnServer Parse(string uri, string username, string password)
        {
            var parsed = TurnUri.Parse(uri);
            var transport = parsed.ServerTransport
                ?? throw new NotSupportedException($"{parsed}: TURN over DTLS is not supported; use the turns: URI with transport=tcp.");
            return new TurnServer(new IPEndPoint(Resolve(parsed.Host), parsed.Port), transport, username, password, parsed.Host);
        }

        private static IPAddress Resolve(string host) =>
            Stun.StunServerName.TryResolve(host, out string error) ?? throw new TurnException("TURN server name " + error);

        public override string ToString()
        {
            string scheme = Transport == TurnTransport.Tls ? "turns" : "turn";
            string transport = Transport == TurnTransport.Udp ? "udp" : "tcp";
            string name = HostName == Address.Address.ToString() ? "" : $" ({HostName})";
            return $"{scheme}:{Address}?transport={transport}{name} user={Username} password=<redacted>";
        }
    }
}
