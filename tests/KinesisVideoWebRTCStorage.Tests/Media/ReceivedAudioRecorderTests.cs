using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.Ogg;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    /// <summary>What a master or a viewer heard, saved as Ogg Opus or Matroska: ffmpeg plays it whole and in time.</summary>
    public class ReceivedAudioRecorderTests
    {
        private static async Task<List<(byte[] Packet, TimeSpan At)>> FixturePacketsAsync()
        {
            var packets = new List<(byte[], TimeSpan)>();
            using var source = await OggOpusSource.OpenAsync(File.OpenRead(MediaTools.Files.AudioOgg));
            while (await source.ReadFrameAsync() is { } frame) packets.Add((frame.Payload.ToArray(), frame.Timestamp));
            return packets;
        }

        private static double Seconds(string text) => double.Parse(text.Trim().TrimEnd(','), CultureInfo.InvariantCulture);

        [Theory]
        [InlineData(".ogg")]
        [InlineData(".opus")]
        [InlineData(".mka")]
        [InlineData(".mkv")]
        public async Task TwoConnectionsWithAGapBetweenThemPlayInTimeWithTheGapKept(string extension)
        {
            var packets = await FixturePacketsAsync(); // 3 s of a 440 Hz tone
            string path = Path.Combine(MediaTools.Files.Directory, "heard" + extension);
            var runClock = TimeSpan.Zero;
            var first = new object();
            var second = new object();
            using (var recorder = ReceivedAudioRecorder.Create(path, () => runClock))
            {
                // The first connection from the start of the run, its own timestamps starting at 5 s.
                foreach (var (packet, at) in packets) recorder.Write(first, packet, TimeSpan.FromSeconds(5) + at);
                // A packet from before the last one written, and one that is not Opus, are dropped.
                recorder.Write(first, packets[10].Packet, TimeSpan.FromSeconds(5) + packets[10].At);
                recorder.Write(first, Array.Empty<byte>(), TimeSpan.FromSeconds(9));
                // Reconnected 2 s after that audio ended: the second connection's clock starts at zero again.
                runClock = packets[^1].At + TimeSpan.FromSeconds(2);
                foreach (var (packet, at) in packets) recorder.Write(second, packet, at);
                Assert.Equal(2 * packets.Count, recorder.PacketsWritten);
                Assert.Equal(2, recorder.PacketsDropped);
            }

            Assert.Equal("", MediaTools.DecodeErrors(path));
            Assert.Equal("", MediaTools.ProbeWarnings(path));
            Assert.Equal(2 * packets.Count, MediaTools.PacketCount(path, "a:0"));
            double duration = Seconds(MediaTools.Ffprobe($"-show_entries format=duration -of csv=p=0 \"{path}\""));
            Assert.InRange(duration, 7.9, 8.1); // 3 s, a 2 s gap, 3 s
            Assert.True(MediaTools.ToneLevelDb(path, 440) > MediaTools.ToneLevelDb(path, 880) + 20);
        }

        [Fact]
        public async Task OurOwnOggReaderReadsBackEveryPacketWritten()
        {
            var packets = await FixturePacketsAsync();
            var output = new MemoryStream();
            using (var writer = new OggOpusWriter(new NonClosingStream(output), OpusHead.ForRtp(), serial: 7))
            {
                long granule = 0;
                foreach (var (packet, _) in packets)
                {
                    Assert.True(OpusPacket.TryGetSampleCount(packet, out int samples));
                    writer.WritePacket(packet, granule += samples);
                }
            }
            output.Position = 0;
            using var source = await OggOpusSource.OpenAsync(output);
            int i = 0;
            while (await source.ReadFrameAsync() is { } frame) Assert.Equal(packets[i++].Packet, frame.Payload.ToArray());
            Assert.Equal(packets.Count, i);
        }

        [Fact]
        public void OnlyFileNamesItWritesAreAccepted()
        {
            Assert.True(ReceivedAudioRecorder.IsSupportedPath("a/b.OGG"));
            Assert.True(ReceivedAudioRecorder.IsSupportedPath("b.mka"));
            Assert.False(ReceivedAudioRecorder.IsSupportedPath("b.wav"));
            Assert.False(ReceivedAudioRecorder.IsSupportedPath("b"));
            Assert.Throws<ArgumentException>(() => ReceivedAudioRecorder.Create(Path.Combine(MediaTools.Files.Directory, "b.aac"), () => TimeSpan.Zero));
        }

        private sealed class NonClosingStream : MemoryStream
        {
            private readonly MemoryStream _inner;

            public NonClosingStream(MemoryStream inner) => _inner = inner;

            public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
        }
    }
}
