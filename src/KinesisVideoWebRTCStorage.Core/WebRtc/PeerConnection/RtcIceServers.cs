using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>
    /// Turns RTCIceServer URIs (RFC 7064 <c>stun:</c>, RFC 7065 <c>turn:</c>/<c>turns:</c>) into the ICE agent's
    /// server lists, resolving host names. A URI that does not parse, resolve or is unsupported (TURN over DTLS) is
    /// skipped and traced: one bad server must not stop the others. Duplicates are dropped.
    /// </summary>
    internal static class RtcIceServers
    {
        public static void AddTo(IEnumerable<RtcIceServer> servers, IceAgentOptions options, Action<string>? trace = null)
        {
            foreach (var server in servers)
            {
                foreach (var url in server.Urls)
                {
                    if (url.StartsWith("turn", StringComparison.OrdinalIgnoreCase)) AddTurn(url, server, options, trace);
                    else AddStun(url, options, trace);
                }
            }
        }

        private static void AddTurn(string url, RtcIceServer server, IceAgentOptions options, Action<string>? trace)
        {
            if (server.Username == null || server.Credential == null)
            {
                trace?.Invoke($"ignored TURN server '{Redacted(url)}': it comes without a username and credential");
                return;
            }
            try
            {
                var turn = TurnServer.Parse(url, server.Username, server.Credential);
                if (!options.TurnServers.Any(t => t.Address.Equals(turn.Address) && t.Transport == turn.Transport)) options.TurnServers.Add(turn);
            }
            catch (Exception e) when (e is TurnUriFormatException || e is NotSupportedException || e is TurnException)
            {
                trace?.Invoke($"ignored TURN server '{Redacted(url)}': {e.Message}");
            }
        }

        private static void AddStun(string url, IceAgentOptions options, Action<string>? trace)
        {
            if (!TryParseStun(url, out var host, out var port) || StunServerName.TryResolve(host, out _) is not IPAddress address)
            {
                trace?.Invoke($"ignored STUN server '{Redacted(url)}': not stun:host[:port], or the host does not resolve");
                return;
            }
            var endpoint = new IPEndPoint(address, port);
            if (!options.StunServers.Contains(endpoint)) options.StunServers.Add(endpoint);
        }

        private static string Redacted(string url) => url.Length > 120 ? url.Substring(0, 120) + "..." : url;

        internal static bool TryParseStun(string url, out string host, out int port)
        {
            host = "";
            port = 3478;
            if (!url.StartsWith("stun:", StringComparison.OrdinalIgnoreCase)) return false;
            string rest = url.Substring("stun:".Length);
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
    }
}
