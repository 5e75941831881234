using System;
using Concentus;

namespace KinesisVideoWebRTCStorage.Emulator.Mixing
{
    /// <summary>
    /// One voice in an <see cref="AudioMixer"/>: its Opus packets decoded into a buffer of at most 200 ms, from which the
    /// mixer takes 20 ms a tick. Playout starts once 40 ms are buffered, so a packet arriving a little late is not a
    /// gap; a buffer that runs dry plays silence and refills to 40 ms; one that overfills drops its oldest audio.
    /// </summary>
    public sealed class MixerParticipant
    {
        private const int BufferSamples = AudioMixer.SampleRate / 5 * AudioMixer.Channels; // 200 ms
        private const int StartSamples = 2 * AudioMixer.FrameSamples * AudioMixer.Channels; // 40 ms
        private const int FrameLength = AudioMixer.FrameSamples * AudioMixer.Channels;

        private readonly object _lock = new object();
        private readonly IOpusDecoder _decoder = OpusCodecFactory.CreateDecoder(AudioMixer.SampleRate, AudioMixer.Channels);
        private readonly short[] _decoded = new short[Media.OpusPacket.MaxSamples * AudioMixer.Channels];
        private readonly short[] _buffer = new short[BufferSamples];
        private int _start, _count;
        private bool _playing;
        private IOpusEncoder? _encoder;

        internal MixerParticipant(string name, Action<ReadOnlyMemory<byte>>? hear)
        {
            Name = name;
            Hear = hear;
        }

        public string Name { get; }
        internal Action<ReadOnlyMemory<byte>>? Hear { get; }

        /// <summary>What this participant says in the current tick; silence when it said nothing.</summary>
        internal short[] Frame { get; } = new short[FrameLength];

        internal IOpusEncoder Encoder => _encoder ??= AudioMixer.NewEncoder();

        public long PacketsDecoded { get; private set; }

        /// <summary>Packets that were not Opus, and 20 ms frames dropped because the buffer was full.</summary>
        public long Dropped { get; private set; }

        /// <summary>Decodes one Opus packet this participant sent; a packet that does not decode is dropped and counted.</summary>
        public void Push(ReadOnlySpan<byte> packet)
        {
            lock (_lock)
            {
                int samples;
                try
                {
                    samples = _decoder.Decode(packet, _decoded, Media.OpusPacket.MaxSamples, false);
                }
                catch (Exception e) when (e is ArgumentException || e is OpusException || e is IndexOutOfRangeException)
                {
                    Dropped++;
                    return;
                }
                PacketsDecoded++;
                int length = samples * AudioMixer.Channels;
                for (int i = 0; i < length; i++)
                {
                    if (_count == _buffer.Length)
                    {
                        // Full: the oldest audio goes, so the delay stays bounded.
                        _start = (_start + FrameLength) % _buffer.Length;
                        _count -= FrameLength;
                        Dropped++;
                    }
                    _buffer[(_start + _count++) % _buffer.Length] = _decoded[i];
                }
            }
        }

        /// <summary>Moves the next 20 ms into <see cref="Frame"/>, or silence.</summary>
        internal void TakeFrame()
        {
            lock (_lock)
            {
                if (!_playing && _count >= StartSamples) _playing = true;
                if (!_playing || _count < FrameLength)
                {
                    _playing = false;
                    Array.Clear(Frame, 0, Frame.Length);
                    return;
                }
                for (int i = 0; i < FrameLength; i++) Frame[i] = _buffer[(_start + i) % _buffer.Length];
                _start = (_start + FrameLength) % _buffer.Length;
                _count -= FrameLength;
            }
        }
    }
}
