using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;
using KinesisVideoWebRTCStorage.WebRtc.Ice;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>How a <see cref="RtcPeerConnection"/> connects; the shape of W3C RTCConfiguration plus what tests and ingest tune.</summary>
    public sealed class RtcConfiguration
    {
        /// <summary>STUN and TURN servers, as GetIceServerConfig returns them plus the channel's STUN URI.</summary>
        public IList<RtcIceServer> IceServers { get; } = new List<RtcIceServer>();

        /// <summary><see cref="Ice.IceTransportPolicy.Relay"/> signals and uses only TURN-relayed candidates.</summary>
        public IceTransportPolicy IceTransportPolicy { get; set; } = IceTransportPolicy.All;

        /// <summary>Gather only loopback host candidates (tests and the local emulator).</summary>
        public bool LoopbackOnly { get; set; }

        public bool IncludeIPv6 { get; set; } = true;

        /// <summary>
        /// Our DTLS role when answering an actpass offer: <see cref="SdpSetup.Active"/> (we are the DTLS client, what
        /// the KVS SDKs do) or <see cref="SdpSetup.Passive"/>.
        /// </summary>
        public SdpSetup AnswerSetup { get; set; } = SdpSetup.Active;

        /// <summary>The DTLS certificate; one generated per process by default.</summary>
        public DtlsCertificate? Certificate { get; set; }

        /// <summary>
        /// The SRTP protection profiles to negotiate, most preferred first: AES-GCM (RFC 7714), then AES-CM with
        /// HMAC-SHA1, by default.
        /// </summary>
        public IReadOnlyList<Srtp.SrtpProtectionProfile> SrtpProfiles { get; set; } = Dtls.DtlsSrtpContext.DefaultProfiles;

        /// <summary>How long ICE and DTLS may take, from having both descriptions to connected.</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>How often the interceptors' RTCP is collected and sent: feedback, and the reports that are due.</summary>
        public TimeSpan RtcpInterval { get; set; } = TimeSpan.FromMilliseconds(100);

        /// <summary>
        /// How often a receiver reports on what it received: every 100 ms tick by default. libwebrtc reports video once
        /// a second; a sender's loss-based estimate grows by 8 % a report, so reports that rare keep a link that has
        /// recovered capped for tens of seconds (measured: scenario c of bench/network.sh never settled up).
        /// </summary>
        public TimeSpan ReceiverReportInterval { get; set; } = TimeSpan.FromMilliseconds(100);

        /// <summary>ICE check pacing; shorter connects faster on loopback.</summary>
        public TimeSpan IceCheckInterval { get; set; } = TimeSpan.FromMilliseconds(20);

        /// <summary>
        /// Test hook: the fraction of outgoing SRTP media packets (first sends and resends alike, never RTCP or DTLS)
        /// dropped before they reach the socket, drawn from <see cref="InjectedLossSeed"/>.
        /// </summary>
        public double InjectedSendLoss { get; set; }

        public int InjectedLossSeed { get; set; } = 1;

        /// <summary>
        /// Sender-side congestion control: transport-wide sequence numbers and feedback, the GCC bandwidth estimate
        /// (delay-based, loss-based, REMB-capped) and paced sending. Off sends every packet as it is made.
        /// </summary>
        public bool CongestionControl { get; set; } = true;

        /// <summary>The estimate before any feedback, in bits per second.</summary>
        public long StartBitrate { get; set; } = 3_000_000;

        /// <summary>The estimate's floor and ceiling, in bits per second.</summary>
        public long MinBitrate { get; set; } = 100_000;

        public long MaxBitrate { get; set; } = 50_000_000;

        /// <summary>The pacer's rate as a multiple of the estimate (libwebrtc's 2.5).</summary>
        public double PacingFactor { get; set; } = 2.5;

        /// <summary>Receives one line per notable event (states, roles, failures); never secrets.</summary>
        public Action<string>? Trace { get; set; }
    }
}
