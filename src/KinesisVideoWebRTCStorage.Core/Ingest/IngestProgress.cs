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

        public override string ToString() =>
            $"{State}, {Elapsed:hh\\:mm\\:ss}, {BitsPerSecond / 1000.0:0} kbit/s, {VideoFrames} video and {AudioFrames} audio frames" +
            (Reconnects > 0 ? $", {Reconnects} reconnects" : "");
    }
}
