using System;

namespace KinesisVideoWebRTCStorage.Ingest
{
    public enum IngestState
    {
        Preparing,
        ConnectingSignaling,

        /// <summary>JoinStorageSession was called; waiting for the storage service's offer.</summary>
        Joining,

        /// <summary>The answer is sent; ICE and DTLS are under way.</summary>
        Connecting,
        Streaming,

        /// <summary>The connection or signaling was lost; rejoining while media keeps its clock.</summary>
        Reconnecting,
        Stopping,
        Ended,
    }

    /// <summary>A progress snapshot, about once a second.</summary>
    public sealed class IngestProgress
    {
        public IngestProgress(IngestState state, TimeSpan elapsed, TimeSpan mediaTime, long bitsPerSecond, long videoFrames, long audioFrames, int reconnects)
        {
            State = state;
            Elapsed = elapsed;
            MediaTime = mediaTime;
            BitsPerSecond = bitsPerSecond;
            VideoFrames = videoFrames;
            AudioFrames = audioFrames;
            Reconnects = reconnects;
        }

        public IngestState State { get; }
        public TimeSpan Elapsed { get; }

        /// <summary>Timestamp of the latest frame sent.</summary>
        public TimeSpan MediaTime { get; }

        /// <summary>Payload bit rate over the last second.</summary>
        public long BitsPerSecond { get; }
        public long VideoFrames { get; }
        public long AudioFrames { get; }
        public int Reconnects { get; }

        /// <summary>What the uplink is estimated to carry, in bits per second; null without congestion control.</summary>
        public long? BandwidthEstimate { get; internal set; }

        /// <summary>The live encoder's bitrate, for media we encode; null for pre-encoded media.</summary>
        public long? VideoBitrate { get; internal set; }

        public override string ToString() =>
            $"{State}, {Elapsed:hh\\:mm\\:ss}, {BitsPerSecond / 1000.0:0} kbit/s" +
            (BandwidthEstimate is long estimate ? $" of {estimate / 1000.0:0} kbit/s estimated" : "") +
            (VideoBitrate is long encoder ? $", encoder {encoder / 1000.0:0} kbit/s" : "") +
            $", {VideoFrames} video and {AudioFrames} audio frames" +
            (Reconnects > 0 ? $", {Reconnects} reconnects" : "");
    }
}
