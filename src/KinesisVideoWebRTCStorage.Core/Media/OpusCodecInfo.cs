namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>What a consumer needs to describe an Opus track (from the OpusHead header, RFC 7845 section 5.1).</summary>
    public sealed class OpusCodecInfo
    {
        /// <summary>Opus always decodes at 48 kHz; timestamps and granule positions count 48 kHz samples.</summary>
        public const int ClockRate = 48000;

        public OpusCodecInfo(int channels, int inputSampleRate, int preSkip, byte[] opusHead)
        {
            Channels = channels;
            InputSampleRate = inputSampleRate;
            PreSkip = preSkip;
            OpusHead = opusHead;
        }

        public int Channels { get; }

        /// <summary>The original input rate, informational only.</summary>
        public int InputSampleRate { get; }

        /// <summary>Samples at 48 kHz to discard at the start of decoding.</summary>
        public int PreSkip { get; }

        /// <summary>The whole OpusHead packet, as Matroska CodecPrivate wants it.</summary>
        public byte[] OpusHead { get; }

        /// <summary>True when the track is silence made up for a source that has no audio (<see cref="SilentAudioMediaSource"/>).</summary>
        public bool IsGeneratedSilence { get; internal set; }
    }
}
