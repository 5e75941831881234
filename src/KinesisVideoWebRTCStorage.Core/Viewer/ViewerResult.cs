using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.Viewer
{
    /// <summary>What one viewer received and sent.</summary>
    public sealed class ViewerResult
    {
        public string ChannelARN { get; internal set; } = "";
        public string ClientId { get; internal set; } = "";
        public DateTime StartTime { get; internal set; }
        public DateTime EndTime { get; internal set; }
        public TimeSpan Duration => EndTime - StartTime;
        public long VideoFramesReceived { get; internal set; }
        public long KeyFramesReceived { get; internal set; }
        public long AudioFramesReceived { get; internal set; }
        public long BytesReceived { get; internal set; }
        public long AudioFramesSent { get; internal set; }

        /// <summary>From the first join to the first video frame.</summary>
        public TimeSpan? TimeToFirstFrame { get; internal set; }

        /// <summary>The recording, once its first keyframe arrived; null otherwise.</summary>
        public string? RecordingPath { get; internal set; }

        /// <summary>Connections to the storage session that came up.</summary>
        public int StorageSessions { get; internal set; }
        public int Reconnects { get; internal set; }
        public IReadOnlyList<string> Warnings { get; internal set; } = Array.Empty<string>();
        public ViewerEndReason EndReason { get; internal set; }
        public string? Error { get; internal set; }

        public override string ToString() =>
            $"{EndReason}: {VideoFramesReceived} video and {AudioFramesReceived} audio frames received, {AudioFramesSent} audio frames sent, {Reconnects} reconnects";
    }
}
