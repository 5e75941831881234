using System;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage.Viewer
{
    /// <summary>Whom to join as, what to record, and what to say.</summary>
    public sealed class ViewerOptions
    {
        public ViewerOptions(ChannelReference channel, string clientId)
        {
            Channel = channel ?? throw new ArgumentNullException(nameof(channel));
            ClientId = clientId;
        }

        public ChannelReference Channel { get; }

        /// <summary>The viewer's client id: 1 to 256 of [a-zA-Z0-9_.-]. A newer join with the same id replaces this one.</summary>
        public string ClientId { get; }

        /// <summary>Matroska file (.mkv, .mka, .webm) to record the master's video and the audio heard; null records nothing.</summary>
        public string? OutFile { get; set; }

        /// <summary>
        /// An Opus file for the viewer to say: Ogg (.ogg, .opus) or Matroska/WebM audio. With none of this,
        /// <see cref="InputUri"/> and <see cref="Tone"/>, the viewer only listens (audio recvonly).
        /// </summary>
        public string? AudioPath { get; set; }

        /// <summary>Anything ffmpeg reads (a file, URL, microphone device or lavfi graph): its first audio track, transcoded to Opus, is said.</summary>
        public string? InputUri { get; set; }

        /// <summary>ffmpeg's -f for <see cref="InputUri"/>: alsa, pulse, dshow, avfoundation, lavfi, ...</summary>
        public string? InputFormat { get; set; }

        /// <summary>Say the built-in 880 Hz tone, looped.</summary>
        public bool Tone { get; set; }

        /// <summary>Start <see cref="AudioPath"/> or <see cref="InputUri"/> over when it ends; otherwise the viewer listens on in silence.</summary>
        public bool Loop { get; set; }

        /// <summary>How long to stay once connected; null until stopped.</summary>
        public TimeSpan? Duration { get; set; }

        /// <summary>Gather only loopback candidates: for the local emulator.</summary>
        public bool LoopbackOnly { get; set; }

        /// <summary>How long to wait for the storage session's offer after each JoinStorageSessionAsViewer.</summary>
        public TimeSpan OfferTimeout { get; set; } = TimeSpan.FromSeconds(6);

        /// <summary>JoinStorageSessionAsViewer calls without an offer before the viewer gives up.</summary>
        public int MaxJoinAttempts { get; set; } = 5;

        /// <summary>How long ICE and DTLS may take after the answer.</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Connections lost in a row (each rejoined) before the viewer gives up.</summary>
        public int MaxConsecutiveRecoveries { get; set; } = 5;

        public TimeSpan SignalingConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Timestamped trace lines (for -Verbose); never carries secrets.</summary>
        public Action<string>? Trace { get; set; }
    }
}
