using System;
using System.Collections.Generic;
using Concentus;
using Concentus.Enums;

namespace KinesisVideoWebRTCStorage.Emulator.Mixing
{
    /// <summary>
    /// The storage session's audio mixer, 20 ms at a time: each participant's Opus is decoded into a short buffer, and
    /// every <see cref="Tick"/> takes 20 ms from each (silence from one that has none) and encodes, for each participant
    /// that listens, the sum of everyone else, and one mix of everyone for the recording. So each hears all the others
    /// but never itself. Thread-safe: packets arrive on network threads, ticks come from a timer.
    /// </summary>
    public sealed class AudioMixer
    {
        public const int SampleRate = 48000;
        public const int Channels = 2;

        /// <summary>Samples per channel in one tick.</summary>
        public const int FrameSamples = 960;

        private const int MaxPacketBytes = 1275;
        private readonly object _lock = new object();
        private readonly List<MixerParticipant> _participants = new List<MixerParticipant>();
        private readonly int[] _sum = new int[FrameSamples * Channels];
        private readonly short[] _pcm = new short[FrameSamples * Channels];
        private readonly byte[] _packet = new byte[MaxPacketBytes];
        private IOpusEncoder? _allEncoder;

        /// <summary>The mix of every participant, once per tick while anyone is in the mixer: what the session records.</summary>
        public event Action<ReadOnlyMemory<byte>>? MixOfAll;

        /// <param name="hear">Receives this participant's mix (everyone else) each tick; null for one that only speaks.</param>
        public MixerParticipant Add(string name, Action<ReadOnlyMemory<byte>>? hear)
        {
            var participant = new MixerParticipant(name, hear);
            lock (_lock) _participants.Add(participant);
            return participant;
        }

        public void Remove(MixerParticipant participant)
        {
            lock (_lock) _participants.Remove(participant);
        }

        public int Count
        {
            get { lock (_lock) return _participants.Count; }
        }

        /// <summary>Mixes and encodes the next 20 ms; the outputs are raised in turn, under the mixer's lock.</summary>
        public void Tick()
        {
            lock (_lock)
            {
                if (_participants.Count == 0) return;
                Array.Clear(_sum, 0, _sum.Length);
                foreach (var participant in _participants)
                {
                    participant.TakeFrame();
                    var frame = participant.Frame;
                    for (int i = 0; i < _sum.Length; i++) _sum[i] += frame[i];
                }
                foreach (var participant in _participants)
                {
                    if (participant.Hear == null) continue;
                    var own = participant.Frame;
                    for (int i = 0; i < _pcm.Length; i++) _pcm[i] = Clamp(_sum[i] - own[i]);
                    participant.Hear(Encode(participant.Encoder, _pcm));
                }
                if (MixOfAll is { } recording)
                {
                    for (int i = 0; i < _pcm.Length; i++) _pcm[i] = Clamp(_sum[i]);
                    recording(Encode(_allEncoder ??= NewEncoder(), _pcm));
                }
            }
        }

        /// <summary>Lets the next 20 ms of every participant go unheard: a tick when there is no one to mix for.</summary>
        public void Discard()
        {
            lock (_lock)
                foreach (var participant in _participants) participant.TakeFrame();
        }

        private ReadOnlyMemory<byte> Encode(IOpusEncoder encoder, short[] pcm)
        {
            int length = encoder.Encode(pcm, FrameSamples, _packet, _packet.Length);
            return new ReadOnlyMemory<byte>(_packet, 0, length);
        }

        private static short Clamp(int sample) => (short)(sample > short.MaxValue ? short.MaxValue : sample < short.MinValue ? short.MinValue : sample);

        internal static IOpusEncoder NewEncoder()
        {
            var encoder = OpusCodecFactory.CreateEncoder(SampleRate, Channels, OpusApplication.OPUS_APPLICATION_AUDIO);
            encoder.Bitrate = 64_000;
            return encoder;
        }
    }
}
