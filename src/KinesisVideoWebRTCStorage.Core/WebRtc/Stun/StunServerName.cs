using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    /// <summary>Resolves the host of a STUN or TURN URI, preferring IPv4 as the ICE agents bind IPv4 first.</summary>
    public static class StunServerName
    {
        /// <summary>The address, or null with <paramref name="error"/> saying why.</summary>
        public static IPAddress? TryResolve(string host, out string error)
        {
            error = "";
            // Only dotted quads and IPv6 count as literals: IPAddress.TryParse would also read "1" as 0.0.0.1.
            if (IPAddress.TryParse(host, out var literal) && (literal.AddressFamily == AddressFamily.InterNetworkV6 || host.Count(c => c == '.') == 3))
                return literal;
            IPAddress[] addresses;
            try
            {
                addresses = Dns.GetHostAddresses(host);
            }
            catch (SocketException e)
            {
                error = $"{host} does not resolve: {e.Message}";
                return null;
            }
            catch (System.ArgumentException e)
            {
                error = $"{host} is not a host name: {e.Message}";
                return null;
            }
            var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (address == null) error = $"{host} resolves to no address";
            return address;
        }
    }
}
