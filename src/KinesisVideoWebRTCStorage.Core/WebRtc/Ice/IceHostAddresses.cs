using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>The local addresses host candidates are gathered on (RFC 8445 section 5.1.1.1).</summary>
    internal static class IceHostAddresses
    {
        public static IReadOnlyList<IPAddress> Find(bool loopbackOnly, bool includeIPv6)
        {
            if (loopbackOnly)
                return includeIPv6 && Socket.OSSupportsIPv6 ? new[] { IPAddress.Loopback, IPAddress.IPv6Loopback } : new[] { IPAddress.Loopback };

            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork || (includeIPv6 && IsUsableIPv6(a)))
                .Where(a => !IPAddress.IsLoopback(a))
                .Distinct()
                .ToList();
        }

        /// <summary>
        /// Link-local addresses need a scope the peer cannot know, and site-local and IPv4-mapped ones are deprecated or
        /// redundant; RFC 8445 section 5.1.1.1 says not to use them.
        /// </summary>
        private static bool IsUsableIPv6(IPAddress address) =>
            address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv6LinkLocal && !address.IsIPv6SiteLocal
            && !address.IsIPv4MappedToIPv6 && !address.IsIPv6Multicast;
    }
}
