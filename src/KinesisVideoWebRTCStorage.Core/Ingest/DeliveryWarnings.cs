using System;
using System.Collections.Generic;
using System.Globalization;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>
    /// Says when an ingest delivered less than it sent, so a degraded run is never reported as a plain success: each
    /// warning names the figure, the likely cause and the fix.
    /// </summary>
    public static class DeliveryWarnings
    {
        /// <summary>The share of video dropped or lost above which a run is called short.</summary>
        public const double Threshold = 0.05;

        /// <param name="receivedAudioPath">The file the master was asked to save what it heard to, if any.</param>
        public static IReadOnlyList<string> For(IngestResult result, string? receivedAudioPath = null)
        {
            var warnings = new List<string>();
            long due = result.VideoFramesSent + result.VideoFramesDroppedByCongestion;
            if (due > 0 && result.VideoFramesDroppedByCongestion > Threshold * due)
            {
                string estimate = result.BandwidthEstimateMinimum is long minimum
                    ? string.Format(CultureInfo.InvariantCulture, " (estimated at {0:0} kbit/s at its lowest)", minimum / 1000.0)
                    : "";
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "{0} of {1} video frames ({2:0.#} %) were not sent because the uplink{3} could not carry the media's bitrate; the recording freezes until the next keyframe each time. Send the media at a lower bitrate (re-encode the file, or let -InputUri transcode it with -VideoBitrate under the uplink, so the encoder adapts instead) or use a faster uplink.",
                    result.VideoFramesDroppedByCongestion, due, 100.0 * result.VideoFramesDroppedByCongestion / due, estimate));
            }
            if (result.VideoPacketsSent > 0 && result.VideoPacketsReportedLost > Threshold * result.VideoPacketsSent)
            {
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "The storage service reported {0} of {1} video packets ({2:0.#} %) lost after retransmission ({3} were asked for too late to resend), so frames that needed them are missing from the recording. The uplink is dropping packets: lower the media's bitrate or check the network path.",
                    result.VideoPacketsReportedLost, result.VideoPacketsSent, 100.0 * result.VideoPacketsReportedLost / result.VideoPacketsSent, result.RetransmissionsRefusedLate));
            }
            if (result.TimeReconnecting > TimeSpan.FromSeconds(1) && result.TimeReconnecting.Ticks > Threshold * result.Duration.Ticks)
            {
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "The ingest spent {0:0.#} s of its {1:0.#} s reconnecting to the storage session ({2} reconnects), and the media of that time is not in the recording. The trace (-Verbose, or --verbose) says why each connection ended.",
                    result.TimeReconnecting.TotalSeconds, result.Duration.TotalSeconds, result.Reconnects));
            }
            if (receivedAudioPath != null && result.AudioFramesReceived == 0 && result.StorageSessions > 0)
            {
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "No audio was heard, so '{0}' was not written: the storage session's offer did not ask for two-way audio (its audio was recvonly) or nobody spoke. Viewers' audio reaches the master only while they are joined with a microphone.",
                    receivedAudioPath));
            }
            return warnings;
        }
    }
}
