using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Ingest;

namespace KinesisVideoWebRTCStorage.Cli
{
    /// <summary>What `kvwebrtc endpoint` prints.</summary>
    internal sealed class EndpointOutput
    {
        public EndpointOutput(SignalingChannelEndpoints endpoints)
        {
            ChannelARN = endpoints.ChannelARN;
            Region = endpoints.Region;
            Role = endpoints.Role.ToString();
            WssEndpoint = endpoints.WssEndpoint;
            HttpsEndpoint = endpoints.HttpsEndpoint;
            WebRtcEndpoint = endpoints.WebRtcEndpoint;
        }

        public string ChannelARN { get; }
        public string Region { get; }
        public string Role { get; }
        public string? WssEndpoint { get; }
        public string? HttpsEndpoint { get; }
        public string? WebRtcEndpoint { get; }
    }

    /// <summary>What `kvwebrtc ingest` prints when it ends: the run's figures, durations in milliseconds and rates in kbit/s.</summary>
    internal sealed class IngestOutput
    {
        public IngestOutput(IngestResult r)
        {
            ChannelARN = r.ChannelARN; StreamARN = r.StreamARN; Media = r.Media; SilentAudio = r.SilentAudio;
            StartTime = r.StartTime; EndTime = r.EndTime; DurationSeconds = Math.Round(r.Duration.TotalSeconds, 3);
            VideoFramesSent = r.VideoFramesSent; AudioFramesSent = r.AudioFramesSent; VideoBytesSent = r.VideoBytesSent; AudioBytesSent = r.AudioBytesSent;
            AudioFramesReceived = r.AudioFramesReceived; AudioBytesReceived = r.AudioBytesReceived; ReceivedAudioPath = r.ReceivedAudioPath;
            TimeToFirstFrameMs = r.TimeToFirstFrame?.TotalMilliseconds; VideoFramesDroppedByCongestion = r.VideoFramesDroppedByCongestion;
            RoundTripTimeMs = r.RoundTripTime?.TotalMilliseconds; Retransmissions = r.Retransmissions; RetransmissionsRefusedLate = r.RetransmissionsRefusedLate;
            KeyframeRequests = r.KeyframeRequests; Reconnects = r.Reconnects; TimeReconnectingMs = r.TimeReconnecting.TotalMilliseconds; StorageSessions = r.StorageSessions;
            EndReason = r.EndReason.ToString(); Error = r.Error; VideoPacketsSent = r.VideoPacketsSent; VideoPacketsReportedLost = r.VideoPacketsReportedLost;
            BandwidthEstimateKbps = r.BandwidthEstimate / 1000.0; BandwidthEstimateMinimumKbps = r.BandwidthEstimateMinimum / 1000.0;
            VideoBitrateChanges = r.VideoBitrateChanges;
            Warnings = r.Warnings;
        }

        public string ChannelARN { get; }
        public string? StreamARN { get; }
        public string Media { get; }
        public bool SilentAudio { get; }
        public DateTime StartTime { get; }
        public DateTime EndTime { get; }
        public double DurationSeconds { get; }
        public long VideoFramesSent { get; }
        public long AudioFramesSent { get; }
        public long VideoBytesSent { get; }
        public long AudioBytesSent { get; }
        public long AudioFramesReceived { get; }
        public long AudioBytesReceived { get; }
        public string? ReceivedAudioPath { get; }
        public double? TimeToFirstFrameMs { get; }
        public long VideoFramesDroppedByCongestion { get; }
        public double? RoundTripTimeMs { get; }
        public long Retransmissions { get; }
        public long RetransmissionsRefusedLate { get; }
        public long KeyframeRequests { get; }
        public int Reconnects { get; }
        public double TimeReconnectingMs { get; }
        public int StorageSessions { get; }
        public string EndReason { get; }
        public string? Error { get; }
        public long VideoPacketsSent { get; }
        public long VideoPacketsReportedLost { get; }
        public double? BandwidthEstimateKbps { get; }
        public double? BandwidthEstimateMinimumKbps { get; }
        public IReadOnlyList<BitrateChange> VideoBitrateChanges { get; }
        public IReadOnlyList<string> Warnings { get; }
    }

    /// <summary>What `kvwebrtc view` prints when it ends, durations in milliseconds.</summary>
    internal sealed class ViewerOutput
    {
        public ViewerOutput(KinesisVideoWebRTCStorage.Viewer.ViewerResult r)
        {
            ChannelARN = r.ChannelARN; ClientId = r.ClientId; StartTime = r.StartTime; EndTime = r.EndTime; DurationSeconds = Math.Round(r.Duration.TotalSeconds, 3);
            VideoFramesReceived = r.VideoFramesReceived; KeyFramesReceived = r.KeyFramesReceived; AudioFramesReceived = r.AudioFramesReceived;
            BytesReceived = r.BytesReceived; AudioFramesSent = r.AudioFramesSent; TimeToFirstFrameMs = r.TimeToFirstFrame?.TotalMilliseconds;
            RecordingPath = r.RecordingPath; StorageSessions = r.StorageSessions; Reconnects = r.Reconnects; Warnings = r.Warnings;
            EndReason = r.EndReason.ToString(); Error = r.Error;
        }

        public string ChannelARN { get; }
        public string ClientId { get; }
        public DateTime StartTime { get; }
        public DateTime EndTime { get; }
        public double DurationSeconds { get; }
        public long VideoFramesReceived { get; }
        public long KeyFramesReceived { get; }
        public long AudioFramesReceived { get; }
        public long BytesReceived { get; }
        public long AudioFramesSent { get; }
        public double? TimeToFirstFrameMs { get; }
        public string? RecordingPath { get; }
        public int StorageSessions { get; }
        public int Reconnects { get; }
        public IReadOnlyList<string> Warnings { get; }
        public string EndReason { get; }
        public string? Error { get; }
    }

    /// <summary>
    /// Compile-time JSON metadata for what the CLI prints: no reflection, so the natively compiled kvwebrtc needs none.
    /// </summary>
    [JsonSerializable(typeof(EndpointOutput))]
    [JsonSerializable(typeof(IngestOutput))]
    [JsonSerializable(typeof(ViewerOutput))]
    internal sealed partial class CliJsonContext : JsonSerializerContext
    {
        /// <summary>Indented for people, with the project's encoder, which leaves <c>+</c>, <c>/</c> and non-ASCII as they are.</summary>
        public static CliJsonContext Printed { get; } = new CliJsonContext(MinimalJsonEncoder.NewSerializerOptions(indented: true));
    }
}
