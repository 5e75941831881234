using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>
    /// Turns RTCIceServer URIs (RFC 7064 <c>stun:</c>, RFC 7065 <c>turn:</c>) into the ICE agent's server list,
    /// resolving host names. A URI that does not parse or resolve is skipped: one bad server must not stop the others.
    /// </summary>
    internal static class RtcIceServers
    {
        public static void AddTo(IEnumerable<RtcIceServer> servers, IceAgentOptions options, Action<string>? trace = null)
        {
            foreach (var server in servers)
            {
                foreach (var url in server.Urls)
                {
                    if (!TryParse(url, out var scheme, out var host, out var port, out var transport))
                    {
                        trace?.Invoke($"ignored ICE server URI '{url}': not stun:, turn: or turns: host[:port]");
                        continue;
                    }
                    var address = Resolve(host);
                    if (address == null)
                    {
                        trace?.Invoke($"ignored ICE server '{host}': it does not resolve");
                        continue;
                    }
                    var endpoint = new IPEndPoint(address, port);
                    if (scheme == "stun") options.StunServers.Add(endpoint);
                    else if (scheme == "turn" && transport == "udp" && server.Username != null && server.Credential != null)
                        options.TurnServers.Add(new TurnServer(endpoint, server.Username, server.Credential));
                    else trace?.Invoke($"ignored ICE server URI '{scheme}:{host}:{port}?transport={transport}': only TURN over UDP with credentials is used");
                }
            }
        }

        internal static bool TryParse(string url, out string scheme, out string host, out int port, out string transport)
        {
            scheme = host = transport = "";
            port = 0;
            int colon = url.IndexOf(':');
            if (colon <= 0) return false;
            scheme = url.Substring(0, colon).ToLowerInvariant();
            if (scheme != "stun" && scheme != "stuns" && scheme != "turn" && scheme != "turns") return false;
            string rest = url.Substring(colon + 1);
            transport = scheme == "turns" || scheme == "stuns" ? "tcp" : "udp";
            int query = rest.IndexOf('?');
            if (query >= 0)
            {
                foreach (var pair in rest.Substring(query + 1).Split('&'))
                    if (pair.StartsWith("transport=", StringComparison.OrdinalIgnoreCase)) transport = pair.Substring("transport=".Length).ToLowerInvariant();
                rest = rest.Substring(0, query);
            }
            port = scheme.EndsWith("s", StringComparison.Ordinal) ? 5349 : 3478;
            if (rest.StartsWith("[", StringComparison.Ordinal))
            {
                int close = rest.IndexOf(']');
                if (close < 0) return false;
                host = rest.Substring(1, close - 1);
                rest = rest.Substring(close + 1);
                if (rest.StartsWith(":", StringComparison.Ordinal) && !int.TryParse(rest.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out port)) return false;
            }
            else
            {
                int portColon = rest.LastIndexOf(':');
                host = portColon < 0 ? rest : rest.Substring(0, portColon);
                if (portColon >= 0 && !int.TryParse(rest.Substring(portColon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)) return false;
            }
            return host.Length > 0 && port > 0 && port <= 65535;
        }

        private static IPAddress? Resolve(string host)
        {
            if (IPAddress.TryParse(host, out var literal)) return literal;
            try
            {
                var addresses = Dns.GetHostAddresses(host);
                return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            }
            catch (SocketException)
            {
                return null;
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
    }
}
