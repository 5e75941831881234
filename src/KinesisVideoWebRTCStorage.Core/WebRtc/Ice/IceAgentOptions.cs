using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Security;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    public sealed class IceAgentOptions
    {
        public IceRole Role { get; set; } = IceRole.Controlled;
        public IceNominationMode Nomination { get; set; } = IceNominationMode.Regular;

        /// <summary>With regular nomination, how long to wait for better pairs after the first one succeeds.</summary>
        public TimeSpan NominationDelay { get; set; } = TimeSpan.FromMilliseconds(500);
        public IceTransportPolicy TransportPolicy { get; set; } = IceTransportPolicy.All;

        /// <summary>Gather only 127.0.0.1 (and ::1 with IPv6), for tests that must not touch other networks.</summary>
        public bool LoopbackOnly { get; set; }

        public bool IncludeIPv6 { get; set; } = true;

        /// <summary>STUN servers (resolved addresses) to learn server-reflexive candidates from.</summary>
        public IList<IPEndPoint> StunServers { get; } = new List<IPEndPoint>();

        /// <summary>
        /// TURN servers (resolved addresses over UDP, TCP or TLS, e.g. from <see cref="TurnServer.Parse"/> or
        /// <see cref="TurnServer.Parse"/>) to allocate relayed candidates on; required for relay-only.
        /// </summary>
        public IList<TurnServer> TurnServers { get; } = new List<TurnServer>();

        /// <summary>
        /// Replaces the default certificate validation of <c>turns:</c> servers (a trusted chain and a name matching the
        /// URI's host), e.g. to pin a test server's self-signed certificate. Null keeps the default.
        /// </summary>
        public RemoteCertificateValidationCallback? TurnCertificateValidation { get; set; }

        /// <summary>How long connecting to a TURN server over TCP or TLS (with its handshake) may take.</summary>
        public TimeSpan TurnConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Ta, the pacing between new checks (RFC 8445 section 14.2 recommends 50 ms).</summary>
        public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(50);

        /// <summary>First retransmission timeout of a check or TURN request; doubled each time (checks up to 8x).</summary>
        public TimeSpan CheckRetransmitTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>Attempts per check before the pair fails.</summary>
        public int CheckAttempts { get; set; } = 7;

        /// <summary>RFC 7675: consent checks about every 5 s, randomized by ±20% …</summary>
        public TimeSpan ConsentInterval { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>… and consent is lost after 30 s without a response.</summary>
        public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);
    }
}
