using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.Ogg;
using System.Collections.Generic;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.Ogg
{
    public class OggOpusSourceTests
    {
        /// <summary>ffprobe's packets: pts and duration in 48 kHz samples, and size.</summary>
        private static (long Pts, long Duration, int Size)[] ProbePackets(string path) =>
            MediaTools.Ffprobe($"-select_streams a:0 -show_entries packet=pts,duration,size -of csv=p=0 \"{path}\"")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Trim().TrimEnd(',').Split(','))
                .Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture)))
                .ToArray();

        private static TimeSpan Samples(long samples) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / 48000);

        [Fact]
        public async Task ReadsPacketsWithTheTimestampsFfprobeGives()
        {
            string path = MediaTools.Files.AudioOgg;
            using var source = await OggOpusSource.OpenAsync(File.OpenRead(path));
            var frames = await MediaTools.ReadAllAsync(source);
            var expected = ProbePackets(path);

            Assert.Equal(1, source.Audio!.Channels);
            Assert.Equal(312, source.Audio.PreSkip);
            Assert.Equal(expected.Length, frames.Count);
            for (int i = 0; i < frames.Count; i++)
            {
                Assert.Equal(MediaTrackKind.Audio, frames[i].Frame.Kind);
                Assert.Equal(Samples(expected[i].Pts), frames[i].Frame.Timestamp);
                Assert.Equal(Samples(expected[i].Duration), frames[i].Frame.Duration);
                Assert.Equal(expected[i].Size, frames[i].Payload.Length);
            }
        }

        [Fact]
        public async Task JoinsPacketsThatSpanPages()
        {
            // Stereo noise at 256 kb/s gives packets of about 640 bytes (3 lacing values); re-paginated into pages of
            // at most 7 lacing values, most packets span pages.
            string noise = Path.Combine(MediaTools.Files.Directory, "noise.ogg");
            MediaTools.Ffmpeg($"-f lavfi -i anoisesrc=d=1:c=white:seed=42 -ac 2 -c:a libopus -b:a 256k \"{noise}\"");
            byte[] tags = System.Text.Encoding.ASCII.GetBytes("OpusTags\u0004\0\0\0test\0\0\0\0");
            var original = await ReadAllAsync(noise);
            var head = original.Head;
            var paged = OggPaginator.Write(head, tags, original.Frames.Select(f => (f.Payload, GranuleAfter(f.Frame, original.PreSkip))).ToList(), maxSegments: 7);
            string path = Path.Combine(MediaTools.Files.Directory, "spanning.ogg");
            File.WriteAllBytes(path, paged);
            Assert.True(CountContinuedPages(paged) >= 5, "pages that continue a packet");

            using var source = await OggOpusSource.OpenAsync(new MemoryStream(paged));
            var frames = await MediaTools.ReadAllAsync(source);
            Assert.Equal(original.Frames.Select(f => f.Payload), frames.Select(f => f.Payload));
            Assert.Equal(original.Frames.Select(f => f.Frame.Timestamp), frames.Select(f => f.Frame.Timestamp));
            // ffmpeg agrees that the re-paginated file holds the same packets.
            Assert.Equal(frames.Count, ProbePackets(path).Length);
            Assert.Equal("", MediaTools.DecodeErrors(path));
        }

        [Fact]
        public async Task ReadsAPacketLongerThanAPageAndRefusesAHugeOne()
        {
            var head = (await ReadAllAsync(MediaTools.Files.AudioOgg)).Head;
            byte[] tags = System.Text.Encoding.ASCII.GetBytes("OpusTags\0\0\0\0\0\0\0\0");
            byte[] Packet(int size) => new byte[] { 0xF8 }.Concat(Enumerable.Range(0, size - 1).Select(i => (byte)i)).ToArray();
            var big = Packet(150_000);
            var small = Packet(300);
            var paged = OggPaginator.Write(head, tags, new List<(byte[], long)> { (big, 960 + 312), (small, 1920 + 312) }, maxSegments: 255);
            using (var source = await OggOpusSource.OpenAsync(new MemoryStream(paged)))
            {
                var frames = await MediaTools.ReadAllAsync(source);
                Assert.Equal(new[] { big, small }, frames.Select(f => f.Payload));
            }

            var huge = OggPaginator.Write(head, tags, new List<(byte[], long)> { (Packet(OggOpusSource.MaxPacketLength + 1), 960 + 312) }, maxSegments: 255);
            using var hugeSource = await OggOpusSource.OpenAsync(new MemoryStream(huge));
            var ex = await Assert.ThrowsAsync<OggFormatException>(() => MediaTools.ReadAllAsync(hugeSource));
            Assert.Contains("packet longer than", ex.Message);
        }

        private static long GranuleAfter(MediaFrame frame, int preSkip) => (frame.Timestamp + frame.Duration).Ticks * 48000 / TimeSpan.TicksPerSecond + preSkip;

        private static async Task<(byte[] Head, int PreSkip, System.Collections.Generic.List<(MediaFrame Frame, byte[] Payload)> Frames)> ReadAllAsync(string path)
        {
            using var source = await OggOpusSource.OpenAsync(File.OpenRead(path));
            return (source.Audio!.OpusHead, source.Audio.PreSkip, await MediaTools.ReadAllAsync(source));
        }

        private static int CountContinuedPages(byte[] data)
        {
            int count = 0;
            for (int at = 0; at + 27 <= data.Length;)
            {
                int segments = data[at + 26];
                int body = 0;
                for (int i = 0; i < segments; i++) body += data[at + 27 + i];
                if ((data[at + 5] & 1) != 0) count++;
                at += 27 + segments + body;
            }
            return count;
        }

        [Fact]
        public async Task RejectsABadCrc()
        {
            var data = File.ReadAllBytes(MediaTools.Files.AudioOgg);
            data[data.Length - 10] ^= 0x01;
            using var source = await OggOpusSource.OpenAsync(new MemoryStream(data));
            var ex = await Assert.ThrowsAsync<OggFormatException>(() => MediaTools.ReadAllAsync(source));
            Assert.Contains("CRC", ex.Message);
        }

        [Fact]
        public async Task RejectsATruncatedFile()
        {
            var data = File.ReadAllBytes(MediaTools.Files.AudioOgg);
            using var source = await OggOpusSource.OpenAsync(new MemoryStream(data, 0, data.Length - 7));
            var ex = await Assert.ThrowsAsync<OggFormatException>(() => MediaTools.ReadAllAsync(source));
            Assert.Contains("truncated page body", ex.Message);
        }

        [Fact]
        public async Task RejectsAMissingPage()
        {
            var data = File.ReadAllBytes(MediaTools.Files.AudioOgg);
            int third = NthPage(data, 3), fourth = NthPage(data, 4);
            var cut = data.Take(third).Concat(data.Skip(fourth)).ToArray();
            using var source = await OggOpusSource.OpenAsync(new MemoryStream(cut));
            var ex = await Assert.ThrowsAsync<OggFormatException>(() => MediaTools.ReadAllAsync(source));
            Assert.Contains("pages are missing", ex.Message);
        }

        private static int NthPage(byte[] data, int n)
        {
            int at = 0;
            for (int page = 0; page < n; page++)
            {
                int segments = data[at + 26];
                int body = 0;
                for (int i = 0; i < segments; i++) body += data[at + 27 + i];
                at += 27 + segments + body;
            }
            return at;
        }

        [Theory]
        [InlineData("not an Ogg file at all, but long enough", "OggS")]
        [InlineData("", "ends before the Opus headers")]
        public async Task RejectsNonOgg(string text, string message)
        {
            var ex = await Assert.ThrowsAsync<OggFormatException>(() => OggOpusSource.OpenAsync(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(text))));
            Assert.Contains(message, ex.Message);
        }

        [Fact]
        public void ComputesTheOggCrc()
        {
            // The CRC of "123456789" for CRC-32/MPEG-2's polynomial with zero initial value and no final xor (CRC-32/OGG).
            Assert.Equal(0x89A1897Fu, OggCrc.Compute(System.Text.Encoding.ASCII.GetBytes("123456789")));
        }

        [Theory]
        [InlineData(new byte[] { 0xF8 }, 960)] // CELT 20 ms, one frame
        [InlineData(new byte[] { 0xF9 }, 1920)] // two frames
        [InlineData(new byte[] { 0x18 }, 2880)] // SILK 60 ms
        [InlineData(new byte[] { 0x83, 0x30 }, 5760)] // CELT 2.5 ms x 48 = 120 ms, the most allowed
        [InlineData(new byte[] { 0x0B, 0x00 }, -1)] // code 3 with no frames
        [InlineData(new byte[] { 0x1B, 0x03 }, -1)] // SILK 60 ms x 3 = 180 ms, too long
        [InlineData(new byte[] { 0x0B }, -1)] // code 3 without its frame count byte
        [InlineData(new byte[0], -1)]
        public void ReadsOpusPacketDurations(byte[] packet, int samples)
        {
            bool valid = OpusPacket.TryGetSampleCount(packet, out int actual);
            Assert.Equal(samples >= 0, valid);
            if (valid) Assert.Equal(samples, actual);
        }
    }
}
