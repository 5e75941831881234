using System.Linq;
using System.Net;
using System.Net.Sockets;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Ice
{
    /// <summary>Enumerates interfaces only; nothing is bound or sent.</summary>
    public class IceHostAddressesTests
    {
        [Fact]
        public void LoopbackOnlyGivesLoopbackAddresses()
        {
            Assert.Equal(new[] { IPAddress.Loopback }, IceHostAddresses.Find(loopbackOnly: true, includeIPv6: false));
            Assert.All(IceHostAddresses.Find(loopbackOnly: true, includeIPv6: true), a => Assert.True(IPAddress.IsLoopback(a)));
        }

        [Fact]
        public void InterfaceAddressesExcludeLoopbackAndLinkLocal()
        {
            var addresses = IceHostAddresses.Find(loopbackOnly: false, includeIPv6: true);
            Assert.DoesNotContain(addresses, IPAddress.IsLoopback);
            Assert.DoesNotContain(addresses, a => a.IsIPv6LinkLocal || a.IsIPv4MappedToIPv6);
            Assert.Equal(addresses.Count, addresses.Distinct().Count());
            Assert.DoesNotContain(IceHostAddresses.Find(loopbackOnly: false, includeIPv6: false), a => a.AddressFamily == AddressFamily.InterNetworkV6);
        }
    }
}
