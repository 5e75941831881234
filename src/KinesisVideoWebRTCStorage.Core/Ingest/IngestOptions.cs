using System;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.WebRtc.Ice;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>What to ingest where, and how patiently.</summary>
    public sealed class IngestOptions
    {
        public IngestOptions(ChannelReference channel)
        {
            Channel = channel ?? throw new ArgumentNullException(nameof(channel));
        }

        public ChannelReference Channel { get; }
        public IngestMediaOptions Media { get; set; } = new IngestMediaOptions();

        /// <summary>Stop after this much media has been streamed; null runs until the media ends or the caller stops.</summary>
        public TimeSpan? Duration { get; set; }

        /// <summary>False sends media as fast as the connection takes it (tests and benchmarks); true paces it in real time.</summary>
        public bool RealTime { get; set; } = true;

        /// <summary>
        /// Sender-side congestion control (the default): bandwidth estimation from transport-wide feedback and reports,
        /// paced sending, the live encoder following the estimate and pre-encoded video thinned to it. False sends
        /// everything as it comes, whatever the link carries: a reference for measurements.
        /// </summary>
        public bool CongestionControl { get; set; } = true;

        public IceTransportPolicy IceTransportPolicy { get; set; } = IceTransportPolicy.All;

        /// <summary>Gather only loopback candidates: for the local emulator.</summary>
        public bool LoopbackOnly { get; set; }

        /// <summary>How long to wait for the storage service's offer after JoinStorageSession (plus up to 1 s of jitter).</summary>
        public TimeSpan OfferTimeout { get; set; } = TimeSpan.FromSeconds(6);

        /// <summary>JoinStorageSession calls without an offer before the session fails.</summary>
        public int MaxJoinAttempts { get; set; } = 5;

        /// <summary>How long ICE and DTLS may take after the answer.</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Timeout of each signaling WebSocket connect.</summary>
        public TimeSpan SignalingConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Consecutive failed recoveries (reconnects, rejoins) before the ingest gives up.</summary>
        public int MaxConsecutiveRecoveries { get; set; } = 5;

        /// <summary>Bounds each wait while stopping (RTCP BYE, close_notify, signaling close).</summary>
        public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>
        /// Where to save the audio the master hears when the storage session's offer asks for two-way audio (its audio
        /// section sendrecv): Ogg Opus for .ogg or .opus, Matroska for .mkv or .mka. Null hears without saving.
        /// </summary>
        public string? ReceivedAudioPath { get; set; }

        /// <summary>Called about once a second from a background thread.</summary>
        public Action<IngestProgress>? Progress { get; set; }

        /// <summary>Timestamped trace lines (for -Verbose); never carries secrets.</summary>
        public Action<string>? Trace { get; set; }

        /// <summary>
        /// True when an -EndpointUrl names this machine (the local emulator): then only loopback candidates are
        /// gathered, which connects fastest and never exposes the machine's addresses.
        /// </summary>
        public static bool IsLoopbackEndpoint(string? endpointUrl) =>
            endpointUrl != null && Uri.TryCreate(endpointUrl, UriKind.Absolute, out var uri)
            && (uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip)));

        /// <summary>Test hook passed to the peer connection: the fraction of media packets dropped on send.</summary>
        public double InjectedSendLoss { get; set; }
    }
}
