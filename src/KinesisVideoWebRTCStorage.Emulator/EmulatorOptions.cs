using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>How the local emulator listens, whom it trusts, and the knobs tests turn.</summary>
    public sealed class EmulatorOptions
    {
        /// <summary>The documented default test key pair: it guards against mistakes, not attackers.</summary>
        public const string DefaultAccessKey = "AKIDLOCALKVSEMULATOR";
        public const string DefaultSecretKey = "local/kvs/emulator/secret/key/for/tests";

        public string Host { get; set; } = "127.0.0.1";

        /// <summary>0 picks a free port.</summary>
        public int Port { get; set; }

        /// <summary>Where state is persisted; null keeps it in memory only.</summary>
        public string? DataDirectory { get; set; }

        /// <summary>Serve HTTPS and WSS with this certificate (see <see cref="EmulatorTls"/>); null serves HTTP and WS.</summary>
        public System.Security.Cryptography.X509Certificates.X509Certificate2? TlsCertificate { get; set; }

        /// <summary>
        /// The host name in every endpoint the emulator hands out (GetSignalingChannelEndpoint), such as
        /// kinesisvideo.us-west-2.amazonaws.com behind a hosts-file entry, for clients that accept no other; null
        /// uses the address it listens on. The port is left out when it is the scheme's default (443 or 80).
        /// </summary>
        public string? PublicHost { get; set; }

        public string Region { get; set; } = "us-west-2";
        public string AccountId { get; set; } = "123456789012";
        public string AccessKey { get; set; } = DefaultAccessKey;
        public string SecretKey { get; set; } = DefaultSecretKey;
        public TimeSpan AllowedClockSkew { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>
        /// An external TURN server's URIs for GetIceServerConfig, e.g. turn:127.0.0.1:3478?transport=udp, with
        /// <see cref="TurnSecret"/>. When empty the emulator runs its own TURN server and hands that out, as AWS always
        /// returns TURN.
        /// </summary>
        public List<string> TurnUris { get; set; } = new List<string>();

        /// <summary>The external TURN server's shared secret (coturn use-auth-secret) for time-limited credentials.</summary>
        public string? TurnSecret { get; set; }

        /// <summary>How long the TURN credentials GetIceServerConfig issues may start allocations (the service's Ttl is 300 s).</summary>
        public TimeSpan TurnCredentialTtl { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>UDP and TCP port of the emulator's own TURN server; 0 takes a free one (the same number for both).</summary>
        public int TurnPort { get; set; }

        /// <summary>A connection with no signaling message and no storage session for this long is closed.</summary>
        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);
        public TimeSpan ConnectionLifetime { get; set; } = TimeSpan.FromHours(1);
        public TimeSpan GoAwayGrace { get; set; } = TimeSpan.FromMinutes(1);

        /// <summary>Accept and then ignore this many JoinStorageSession calls, as the real service sometimes does.</summary>
        public int DropJoins { get; set; }

        /// <summary>Answer this many API requests with ClientLimitExceededException.</summary>
        public int ThrottleRequests { get; set; }

        /// <summary>Where recordings go: <c>&lt;data&gt;/&lt;stream name&gt;/&lt;UTC start&gt;.mkv</c>. Defaults to the data folder.</summary>
        public string? RecordingsDirectory { get; set; }

        /// <summary>A storage session ends after this long, as the service's do after an hour; the master must rejoin.</summary>
        public TimeSpan StorageSessionLimit { get; set; } = TimeSpan.FromHours(1);

        /// <summary>A storage session that connects but gets no video or no audio for this long ends.</summary>
        public TimeSpan StorageMediaTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>How long a storage session waits for the master's answer and for ICE and DTLS.</summary>
        public TimeSpan StorageConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Viewers a storage session takes; one more JoinStorageSessionAsViewer is a ClientLimitExceededException.</summary>
        public int MaxViewers { get; set; } = 3;

        /// <summary>Channels created at start, each with a linked stream named <c>&lt;channel&gt;-stream</c> and media storage enabled.</summary>
        public List<string> StorageChannels { get; set; } = new List<string>();

        /// <summary>Receives one line per notable event (storage sessions starting and ending, and why).</summary>
        public Action<string>? Log { get; set; }

        /// <summary>Send the storage peer's candidates as ICE_CANDIDATE messages ahead of the SDP_OFFER, as the service sometimes does.</summary>
        public bool CandidatesBeforeOffer { get; set; }
    }
}
