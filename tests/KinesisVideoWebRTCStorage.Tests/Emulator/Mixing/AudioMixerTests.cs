using System;
using System.Collections.Generic;
using System.Linq;
using Concentus;
using Concentus.Enums;
using KinesisVideoWebRTCStorage.Emulator.Mixing;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Emulator.Mixing
{
    /// <summary>Judged by decoding: each participant's mix holds every other participant's tone and not its own.</summary>
    public class AudioMixerTests
    {
        private const int Ticks = 100; // 2 s

        /// <summary>20 ms Opus packets of a sine, as a participant's microphone sends them.</summary>
        private static List<byte[]> Tone(int hertz, int packets)
        {
            var encoder = OpusCodecFactory.CreateEncoder(48000, 2, OpusApplication.OPUS_APPLICATION_AUDIO);
            var pcm = new short[960 * 2];
            var result = new List<byte[]>();
            var packet = new byte[1275];
            for (int p = 0; p < packets; p++)
            {
                for (int i = 0; i < 960; i++)
                {
                    short sample = (short)(8000 * Math.Sin(2 * Math.PI * hertz * (p * 960 + i) / 48000.0));
                    pcm[2 * i] = sample;
                    pcm[2 * i + 1] = sample;
                }
                int length = encoder.Encode(pcm, 960, packet, packet.Length);
                result.Add(packet.AsSpan(0, length).ToArray());
            }
            return result;
        }

        /// <summary>The power of <paramref name="hertz"/> in the decoded packets' left channel (Goertzel), after the first 200 ms.</summary>
        private static double Power(IEnumerable<byte[]> packets, int hertz)
        {
            var decoder = OpusCodecFactory.CreateDecoder(48000, 2);
            var pcm = new short[5760 * 2];
            var left = new List<double>();
            foreach (var packet in packets)
            {
                int samples = decoder.Decode(packet, pcm, 5760, false);
                for (int i = 0; i < samples; i++) left.Add(pcm[2 * i] / 32768.0);
            }
            double coefficient = 2 * Math.Cos(2 * Math.PI * hertz / 48000.0), s1 = 0, s2 = 0;
            var settled = left.Skip(9600).ToList();
            foreach (double x in settled)
            {
                double s0 = x + coefficient * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            return (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / settled.Count;
        }

        [Fact]
        public void EachParticipantHearsEveryoneButItselfAndTheRecordingHearsAll()
        {
            var mixer = new AudioMixer();
            var heard = new Dictionary<string, List<byte[]>> { ["master"] = new(), ["viewer1"] = new(), ["viewer2"] = new() };
            var recording = new List<byte[]>();
            mixer.MixOfAll += packet => recording.Add(packet.ToArray());
            var tones = new Dictionary<string, int> { ["master"] = 440, ["viewer1"] = 880, ["viewer2"] = 1320 };
            var participants = tones.Keys.ToDictionary(name => name, name => mixer.Add(name, packet => heard[name].Add(packet.ToArray())));
            var speech = tones.ToDictionary(t => t.Key, t => Tone(t.Value, Ticks));

            for (int tick = 0; tick < Ticks; tick++)
            {
                foreach (var (name, participant) in participants) participant.Push(speech[name][tick]);
                mixer.Tick();
            }

            foreach (var (listener, packets) in heard)
            {
                Assert.Equal(Ticks, packets.Count);
                double own = Power(packets, tones[listener]);
                foreach (var (speaker, hertz) in tones.Where(t => t.Key != listener))
                {
                    double other = Power(packets, hertz);
                    Assert.True(other > 100 * own, $"{listener} hears {speaker}'s {hertz} Hz at {other:E2} against its own {tones[listener]} Hz at {own:E2}");
                }
            }
            double absent = Power(recording, 2000);
            foreach (int hertz in tones.Values)
                Assert.True(Power(recording, hertz) > 100 * absent, $"the recording misses {hertz} Hz: {Power(recording, hertz):E2} against {absent:E2} at 2000 Hz");
            Assert.All(participants.Values, p => Assert.Equal(0, p.Dropped));
        }

        [Fact]
        public void ASilentParticipantAddsSilenceAndGarbageIsDroppedAndCounted()
        {
            var mixer = new AudioMixer();
            var heardBySilent = new List<byte[]>();
            var speaker = mixer.Add("speaker", hear: null);
            var silent = mixer.Add("silent", packet => heardBySilent.Add(packet.ToArray()));
            var speech = Tone(660, Ticks);
            silent.Push(new byte[] { 0xFF, 0xFF, 0xFF }); // not a valid Opus packet
            for (int tick = 0; tick < Ticks; tick++)
            {
                speaker.Push(speech[tick]);
                mixer.Tick();
            }
            Assert.True(Power(heardBySilent, 660) > 100 * Power(heardBySilent, 2000));
            Assert.Equal(Ticks, heardBySilent.Count);
            Assert.Equal(1, silent.Dropped); // 63 frames of 20 ms: longer than Opus allows
            Assert.Equal(0, silent.PacketsDecoded);
        }

        [Fact]
        public void AParticipantThatSendsTooMuchKeepsItsDelayBounded()
        {
            var mixer = new AudioMixer();
            var flood = mixer.Add("flood", hear: null);
            foreach (var packet in Tone(440, 50)) flood.Push(packet); // 1 s at once, into 200 ms of buffer
            Assert.Equal(40, flood.Dropped);
            Assert.Equal(50, flood.PacketsDecoded);
        }
    }
}
