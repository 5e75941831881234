using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using KinesisVideoWebRTCStorage.Aws.Models;
using KinesisVideoWebRTCStorage.WebRtc.Turn;
using KinesisVideoWebRTCStorage.WebRtc;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Turn
{
    public class TurnUriTests
    {
        [Theory]
        [InlineData("turn:10.0.0.1:3479?transport=udp", false, "10.0.0.1", 3479, "udp", TurnTransport.Udp)]
        [InlineData("turn:10.0.0.1:443?transport=tcp", false, "10.0.0.1", 443, "tcp", TurnTransport.Tcp)]
        [InlineData("turns:10.0.0.1:443?transport=tcp", true, "10.0.0.1", 443, "tcp", TurnTransport.Tls)]
        [InlineData("turn:example.com", false, "example.com", 3478, "udp", TurnTransport.Udp)]
        [InlineData("turns:example.com", true, "example.com", 5349, "tcp", TurnTransport.Tls)]
        [InlineData("TURN:Example.COM:80?TRANSPORT=TCP", false, "Example.COM", 80, "tcp", TurnTransport.Tcp)]
        [InlineData("turn:[2001:db8::1]:3478?transport=udp", false, "2001:db8::1", 3478, "udp", TurnTransport.Udp)]
        [InlineData("turn:[::1]", false, "::1", 3478, "udp", TurnTransport.Udp)]
        [InlineData("turns:35-90-63-38.t-ae7dd61a.kinesisvideo.us-west-2.amazonaws.com:443?transport=tcp", true,
            "35-90-63-38.t-ae7dd61a.kinesisvideo.us-west-2.amazonaws.com", 443, "tcp", TurnTransport.Tls)]
        public void ParsesRfc7065Uris(string text, bool secure, string host, int port, string transport, TurnTransport serverTransport)
        {
            var uri = TurnUri.Parse(text);
            Assert.Equal(secure, uri.Secure);
            Assert.Equal(host, uri.Host);
            Assert.Equal(port, uri.Port);
            Assert.Equal(transport, uri.Transport);
            Assert.Equal(serverTransport, uri.ServerTransport);
            Assert.Equal(uri.ToString(), TurnUri.Parse(uri.ToString()).ToString());
        }

        [Fact]
        public void TurnsOverUdpIsDtlsWhichWeDoNotSpeak()
        {
            var uri = TurnUri.Parse("turns:10.0.0.1:443?transport=udp");
            Assert.True(uri.Secure);
            Assert.Null(uri.ServerTransport);
            var error = Assert.Throws<NotSupportedException>(() => TurnServer.Parse("turns:10.0.0.1:443?transport=udp", "u", "p"));
            Assert.Contains("DTLS", error.Message);
        }

        [Theory]
        [InlineData("")]
        [InlineData("stun:10.0.0.1")]
        [InlineData("turn:")]
        [InlineData("turn::3478")]
        [InlineData("turn:10.0.0.1:0")]
        [InlineData("turn:10.0.0.1:65536")]
        [InlineData("turn:10.0.0.1:12345678")]
        [InlineData("turn:10.0.0.1:")]
        [InlineData("turn:10.0.0.1:34x")]
        [InlineData("turn:10.0.0.1?transport=sctp")]
        [InlineData("turn:10.0.0.1?foo=bar")]
        [InlineData("turn:[2001:db8::1")]
        [InlineData("turn:[10.0.0.1]")]
        [InlineData("turn:[::1]x")]
        [InlineData("turn:user@10.0.0.1")]
        [InlineData("turn:exa mple.com")]
        [InlineData("turn:10.0.0.1:3478:3478")]
        [InlineData("turn:host/path")]
        public void MalformedUrisAreTypedErrors(string text)
        {
            Assert.Throws<TurnUriFormatException>(() => TurnUri.Parse(text));
        }

        [Fact]
        public void OverlongUrisAreRefusedBeforeParsing()
        {
            var error = Assert.Throws<TurnUriFormatException>(() => TurnUri.Parse("turn:" + new string('a', 100_000)));
            Assert.Contains("longer than", error.Message);
        }

        [Fact]
        public void SurvivesHostileUris()
        {
            var seeds = new[] { "turns:1-2-3-4.t-x.kinesisvideo.us-west-2.amazonaws.com:443?transport=tcp", "turn:[2001:db8::1]:3478?transport=udp" }
                .Select(System.Text.Encoding.ASCII.GetBytes).ToArray();
            int rejected = Fuzz.HostileInput.Run(seeds, 50_000, 7065, input => TurnUri.Parse(System.Text.Encoding.Latin1.GetString(input)),
                e => e is TurnUriFormatException, length => 64L * length + 4096);
            Assert.True(rejected > 1000);
        }

        [Fact]
        public void ParseResolvesNamesAndKeepsTheNameForTls()
        {
            var server = TurnServer.Parse("turns:localhost:5349?transport=tcp", "user", "pa55word");
            Assert.True(IPAddress.IsLoopback(server.Address.Address));
            Assert.Equal(5349, server.Address.Port);
            Assert.Equal(TurnTransport.Tls, server.Transport);
            Assert.Equal("localhost", server.HostName);
            Assert.DoesNotContain("pa55word", server.ToString());
            Assert.StartsWith("turns:", server.ToString());
        }

        [Fact]
        public void AnUnresolvableNameIsATurnException()
        {
            Assert.Throws<TurnException>(() => TurnServer.Parse("turn:no-such-host.invalid:3478", "u", "p"));
        }

        [Fact]
        public void IceServerConfigBecomesEveryUsableServer()
        {
            // The shape KVS GetIceServerConfig returns, with the DTLS one (skipped) and a STUN URI (not TURN).
            var iceServer = new IceServer
            {
                Uris = new List<string>
                {
                    "turn:10.1.2.3:443?transport=udp",
                    "turns:10.1.2.3:443?transport=udp",
                    "turns:10.1.2.3:443?transport=tcp",
                    "stun:10.1.2.3:443",
                    "turn:10.1.2.3:443?transport=udp",
                },
                Username = "1700000000:channel",
                Password = "c2VjcmV0",
                Ttl = 300,
            };
            var servers = IceServersOf(iceServer);
            Assert.Equal(new[] { TurnTransport.Udp, TurnTransport.Tls }, servers.Select(s => s.Transport));
            Assert.All(servers, s => Assert.Equal(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 443), s.Address));
            Assert.All(servers, s => Assert.Equal("1700000000:channel", s.Username));
            Assert.All(servers, s => Assert.Equal("c2VjcmV0", s.Password));

            iceServer.Password = null;
            var trace = new List<string>();
            Assert.Empty(IceServersOf(iceServer, trace.Add));
            Assert.Contains(trace, line => line.Contains("without a username and credential"));
        }

        /// <summary>A GetIceServerConfig entry as ingest hands it to the peer connection.</summary>
        internal static IList<TurnServer> IceServersOf(IceServer server, Action<string>? trace = null)
        {
            var options = new IceAgentOptions();
            RtcIceServers.AddTo(new[] { new RtcIceServer(server.Uris, server.Username, server.Password) }, options, trace);
            return options.TurnServers;
        }
    }
}
