using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>
    /// A TURN URI (RFC 7065): <c>turn:host[:port][?transport=udp|tcp]</c> or <c>turns:…</c>, as KVS GetIceServerConfig
    /// lists them (e.g. <c>turns:1-2-3-4.t-x.kinesisvideo.us-west-2.amazonaws.com:443?transport=tcp</c>). The text comes
    /// from the network, so anything outside the grammar is a <see cref="TurnUriFormatException"/>.
    /// </summary>
    public sealed class TurnUri
    {
        /// <summary>Longer than any DNS name (253) plus scheme, port and query: refuse before doing any work on it.</summary>
        private const int MaxLength = 512;

        public const int DefaultPort = 3478;
        public const int DefaultSecurePort = 5349;

        private TurnUri(bool secure, string host, int port, string transport)
        {
            Secure = secure;
            Host = host;
            Port = port;
            Transport = transport;
        }

        /// <summary>True for <c>turns:</c>: the connection to the server is (D)TLS.</summary>
        public bool Secure { get; }

        /// <summary>A DNS name or an IP literal (IPv6 without its brackets).</summary>
        public string Host { get; }

        /// <summary>The given port, else 3478 for <c>turn:</c> and 5349 for <c>turns:</c>.</summary>
        public int Port { get; }

        /// <summary>"udp" or "tcp": the given one, else udp for <c>turn:</c> and tcp for <c>turns:</c> (RFC 7065 section 3).</summary>
        public string Transport { get; }

        /// <summary>
        /// How to reach the server, or null for <c>turns:…?transport=udp</c>: that is DTLS to the server (RFC 7350),
        /// which we do not implement. KVS lists a <c>turns:…?transport=tcp</c> twin of it, which we do.
        /// </summary>
        public TurnTransport? ServerTransport =>
            Transport == "tcp" ? (Secure ? TurnTransport.Tls : TurnTransport.Tcp) : Secure ? (TurnTransport?)null : TurnTransport.Udp;

        public static TurnUri Parse(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            if (text.Length > MaxLength) throw new TurnUriFormatException($"longer than {MaxLength} characters");

            int colon = text.IndexOf(':');
            if (colon < 0) throw new TurnUriFormatException("no scheme (expected turn: or turns:)");
            string scheme = text.Substring(0, colon).ToLowerInvariant();
            bool secure;
            if (scheme == "turn") secure = false;
            else if (scheme == "turns") secure = true;
            else throw new TurnUriFormatException("the scheme is not turn: or turns:");

            string rest = text.Substring(colon + 1);
            string? query = null;
            int question = rest.IndexOf('?');
            if (question >= 0)
            {
                query = rest.Substring(question + 1);
                rest = rest.Substring(0, question);
            }

            string host;
            string? portText = null;
            if (rest.StartsWith("[", StringComparison.Ordinal))
            {
                int close = rest.IndexOf(']');
                if (close < 0) throw new TurnUriFormatException("an IPv6 literal lacks its closing bracket");
                host = rest.Substring(1, close - 1);
                if (!IPAddress.TryParse(host, out var literal) || literal.AddressFamily != AddressFamily.InterNetworkV6)
                    throw new TurnUriFormatException("the bracketed host is not an IPv6 address");
                string after = rest.Substring(close + 1);
                if (after.Length > 0)
                {
                    if (after[0] != ':') throw new TurnUriFormatException("text follows the IPv6 literal");
                    portText = after.Substring(1);
                }
            }
            else
            {
                int portColon = rest.IndexOf(':');
                host = portColon < 0 ? rest : rest.Substring(0, portColon);
                if (portColon >= 0) portText = rest.Substring(portColon + 1);
                if (host.Length == 0) throw new TurnUriFormatException("the host is empty");
                foreach (char c in host)
                    if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'))
                        throw new TurnUriFormatException("the host has a character outside letters, digits, '-', '.' and '_'");
            }

            int port = secure ? DefaultSecurePort : DefaultPort;
            if (portText != null)
            {
                if (portText.Length == 0 || portText.Length > 5 || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port)
                    || port < 1 || port > 65535)
                    throw new TurnUriFormatException("the port is not a number from 1 to 65535");
            }

            string transport = secure ? "tcp" : "udp";
            if (query != null)
            {
                const string prefix = "transport=";
                if (!query.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) throw new TurnUriFormatException("the only query RFC 7065 allows is ?transport=");
                transport = query.Substring(prefix.Length).ToLowerInvariant();
                if (transport != "udp" && transport != "tcp") throw new TurnUriFormatException("the transport is neither udp nor tcp");
            }
            return new TurnUri(secure, host, port, transport);
        }

        public override string ToString()
        {
            string host = Host.IndexOf(':') >= 0 ? "[" + Host + "]" : Host;
            return $"{(Secure ? "turns" : "turn")}:{host}:{Port.ToString(CultureInfo.InvariantCulture)}?transport={Transport}";
        }
    }
}
