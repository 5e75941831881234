using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Concentus;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.H264;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    public class SilentAudioMediaSourceTests
    {
        [Fact]
        public async Task SilenceSpansTheVideoInTwentyMillisecondStepsAndLeavesTheVideoAsItWas()
        {
            var alone = await MediaTools.ReadAllAsync(await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264), 30));
            using var source = new SilentAudioMediaSource(await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264), 30));
            Assert.True(source.Audio!.IsGeneratedSilence);
            Assert.Equal(2, source.Audio.Channels);
            var frames = await MediaTools.ReadAllAsync(source);

            var video = frames.Where(f => f.Frame.Kind == MediaTrackKind.Video).ToList();
            Assert.Equal(alone.Select(f => (f.Frame.Timestamp, f.Frame.IsKeyFrame)), video.Select(f => (f.Frame.Timestamp, f.Frame.IsKeyFrame)));
            Assert.All(video.Zip(alone), pair => Assert.Equal(pair.Second.Payload, pair.First.Payload));

            // 3 s of video at 30 fps: 150 packets of 20 ms, from the first video frame to the end of the last.
            var audio = frames.Where(f => f.Frame.Kind == MediaTrackKind.Audio).Select(f => f.Frame).ToList();
            Assert.Equal(150, audio.Count);
            Assert.Equal(video[0].Frame.Timestamp, audio[0].Timestamp);
            Assert.All(audio.Select((frame, i) => (frame, i)), a => Assert.Equal(audio[0].Timestamp + TimeSpan.FromMilliseconds(20 * a.i), a.frame.Timestamp));
            Assert.All(audio, a => Assert.True(OpusPacket.TryGetSampleCount(a.Payload.Span, out int samples) && samples == 960));
            var last = video[^1].Frame;
            Assert.True(audio[^1].Timestamp + audio[^1].Duration >= last.Timestamp + last.Duration - TimeSpan.FromMilliseconds(20));

            // Interleaved in time order, so the pacer sends both tracks in step.
            Assert.Equal(frames.Select(f => f.Frame.Timestamp).OrderBy(t => t), frames.Select(f => f.Frame.Timestamp));
        }

        [Fact]
        public async Task ItsPacketDecodesToTwentyMillisecondsOfDigitalSilence()
        {
            using var source = new SilentAudioMediaSource(await H264AnnexBSource.OpenAsync(File.OpenRead(MediaTools.Files.VideoH264), 30));
            var packet = (await MediaTools.ReadAllAsync(source)).First(f => f.Frame.Kind == MediaTrackKind.Audio).Payload;
            var decoder = OpusCodecFactory.CreateDecoder(48000, 2);
            var pcm = new short[2 * 5760];
            for (int i = 0; i < 5; i++)
            {
                int samples = decoder.Decode(packet, pcm, 5760, false);
                Assert.Equal(960, samples);
                Assert.All(pcm.Take(2 * samples), sample => Assert.Equal(0, sample));
            }
        }

        [Fact]
        public async Task ASourceThatAlreadyHasAudioOrNoVideoIsRefused()
        {
            using var both = await TestPattern.OpenAsync(1);
            Assert.Throws<ArgumentException>(() => new SilentAudioMediaSource(both));
            using var audioOnly = await KinesisVideoWebRTCStorage.Media.Ogg.OggOpusSource.OpenAsync(File.OpenRead(MediaTools.Files.AudioOgg));
            Assert.Throws<ArgumentException>(() => new SilentAudioMediaSource(audioOnly));
        }
    }
}
