using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.Ingest
{
    public enum IngestEndReason
    {
        /// <summary>The media ended.</summary>
        MediaEnded,
        DurationReached,

        /// <summary>The caller stopped it (Ctrl+C, Stop-KVWebRTCIngest, cancellation).</summary>
        Stopped,

        /// <summary>Another master took the channel over.</summary>
        Preempted,

        /// <summary>Recovery gave up; <see cref="IngestResult.Error"/> says why.</summary>
        Failed,
    }

    /// <summary>What one ingest did: Start-KVWebRTCIngest's output object.</summary>
    public sealed class IngestResult
    {
        public string ChannelARN { get; internal set; } = "";
        public string? StreamARN { get; internal set; }
        public string Media { get; internal set; } = "";

        /// <summary>True when the media had no audio and a silent Opus track was sent with the video.</summary>
        public bool SilentAudio { get; internal set; }
        public DateTime StartTime { get; internal set; }
        public DateTime EndTime { get; internal set; }
        public TimeSpan Duration => EndTime - StartTime;
        public long VideoFramesSent { get; internal set; }
        public long AudioFramesSent { get; internal set; }
        public long VideoBytesSent { get; internal set; }
        public long AudioBytesSent { get; internal set; }

        /// <summary>Opus packets the master heard from the storage session (two-way audio), and their bytes.</summary>
        public long AudioFramesReceived { get; internal set; }
        public long AudioBytesReceived { get; internal set; }

        /// <summary>The file the heard audio was saved to, once anything was heard; null otherwise.</summary>
        public string? ReceivedAudioPath { get; internal set; }

        /// <summary>From the start of the call to the first frame sent on a connected storage session.</summary>
        public TimeSpan? TimeToFirstFrame { get; internal set; }
        public long Retransmissions { get; internal set; }

        /// <summary>Video RTP packets sent, retransmissions not included.</summary>
        public long VideoPacketsSent { get; internal set; }

        /// <summary>Of those, the packets the storage service's reports said never arrived (after NACK repair).</summary>
        public long VideoPacketsReportedLost { get; internal set; }

        /// <summary>The bandwidth estimate when the ingest ended (or its last connection closed), in bits per second; null without congestion control.</summary>
        public long? BandwidthEstimate { get; internal set; }

        /// <summary>For media we encode: every bitrate the encoder was asked for, the first being its start; empty otherwise.</summary>
        public IReadOnlyList<BitrateChange> VideoBitrateChanges { get; internal set; } = Array.Empty<BitrateChange>();

        /// <summary>The lowest bandwidth the uplink was estimated at, in bits per second; null if it never fell short of the media.</summary>
        public long? BandwidthEstimateMinimum { get; internal set; }

        /// <summary>What fell short, each with the figure, the likely cause and the fix; empty for a clean run.</summary>
        public IReadOnlyList<string> Warnings { get; internal set; } = Array.Empty<string>();

        /// <summary>Video frames not sent because the link was estimated short of the media's bitrate (GOP-aware: up to the next IDR).</summary>
        public long VideoFramesDroppedByCongestion { get; internal set; }

        /// <summary>The round-trip time to the storage service last measured from its reception reports; null when none echoed ours.</summary>
        public TimeSpan? RoundTripTime { get; internal set; }

        /// <summary>Packets the receiver asked for again that were not resent, since they could no longer arrive in time.</summary>
        public long RetransmissionsRefusedLate { get; internal set; }
        public long KeyframeRequests { get; internal set; }

        /// <summary>Storage sessions joined after the first (session limit, GO_AWAY, lost connections).</summary>
        public int Reconnects { get; internal set; }

        /// <summary>Time spent reconnecting once streaming had begun: what was sent then is not in the recording.</summary>
        public TimeSpan TimeReconnecting { get; internal set; }
        public int StorageSessions { get; internal set; }
        public IngestEndReason EndReason { get; internal set; }

        /// <summary>Why it failed, for <see cref="IngestEndReason.Failed"/>.</summary>
        public string? Error { get; internal set; }

        public override string ToString() =>
            $"{ChannelARN}: {EndReason}, {VideoFramesSent} video and {AudioFramesSent} audio frames in {Duration.TotalSeconds:0.0} s" +
            (Reconnects > 0 ? $", {Reconnects} reconnects" : "");
    }
}
