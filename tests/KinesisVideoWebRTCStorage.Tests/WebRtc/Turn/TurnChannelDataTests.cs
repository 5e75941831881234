using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Turn
{
    public class TurnChannelDataTests
    {
        [Theory]
        [InlineData(0, false, 4)]
        [InlineData(1, false, 5)]
        [InlineData(1, true, 8)]
        [InlineData(4, true, 8)]
        [InlineData(7, true, 12)]
        public void BuildsTheHeaderAndPadsOnlyWhenAsked(int length, bool pad, int expectedLength)
        {
            var data = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
            byte[] message = TurnChannelData.Build(0x4001, data, pad);
            Assert.Equal(expectedLength, message.Length);
            Assert.Equal(new byte[] { 0x40, 0x01, 0, (byte)length }, message.Take(4).ToArray());
            Assert.True(TurnChannelData.LooksLikeChannelData(message));
            Assert.Equal(0x4001, TurnChannelData.Parse(message, out var parsed));
            Assert.Equal(data, parsed.ToArray());
        }

        [Theory]
        [InlineData(0x3FFF)]
        [InlineData(0x5000)]
        public void ChannelNumbersOutsideTheRangeAreRefused(int channel)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => TurnChannelData.Build((ushort)channel, new byte[1], false));
            var error = Assert.Throws<TurnFormatException>(() => TurnChannelData.Parse(new byte[] { (byte)(channel >> 8), (byte)channel, 0, 0 }, out _));
            Assert.Contains("outside 0x4000-0x4FFF", error.Message);
        }

        [Theory]
        [InlineData("40")]                 // shorter than the header
        [InlineData("40000005AABBCCDD")]   // claims 5 bytes, carries 4
        [InlineData("40000001AABBCCDDEE")] // 4 bytes after the data: more than padding
        public void MalformedChannelDataIsATypedError(string hex)
        {
            Assert.Throws<TurnFormatException>(() => TurnChannelData.Parse(Hex.Parse(hex), out _));
        }

        [Fact]
        public void SurvivesHostileChannelData()
        {
            var seeds = new[] { TurnChannelData.Build(0x4000, new byte[] { 1, 2, 3 }, pad: true), TurnChannelData.Build(0x4FFF, new byte[100], pad: false) };
            int rejected = Fuzz.HostileInput.Run(seeds, 100_000, 12, input => TurnChannelData.Parse(input, out _),
                e => e is TurnFormatException, length => 1024);
            Assert.True(rejected > 1000);
        }

        [Fact]
        public async Task StreamReaderSplitsStunAndPaddedChannelData()
        {
            byte[] stun = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
                .AddXorMappedAddress(new IPEndPoint(IPAddress.Loopback, 9)).AddFingerprint().ToArray();
            byte[] one = TurnChannelData.Build(0x4000, new byte[] { 9 }, pad: true);
            byte[] six = TurnChannelData.Build(0x4001, new byte[] { 1, 2, 3, 4, 5, 6 }, pad: true);
            var reader = new TurnStreamReader(new TrickleStream(stun.Concat(one).Concat(six).Concat(stun).ToArray()));
            Assert.Equal(stun, await reader.ReadAsync());
            Assert.Equal(new byte[] { 0x40, 0, 0, 1, 9 }, await reader.ReadAsync());
            Assert.Equal(six.Take(10).ToArray(), await reader.ReadAsync());
            Assert.Equal(stun, await reader.ReadAsync());
            Assert.Null(await reader.ReadAsync());
        }

        [Theory]
        [InlineData("80010000")]         // RTP-like first byte: neither STUN nor ChannelData
        [InlineData("00010002AAAA")]     // STUN length not a multiple of 4
        [InlineData("40000008AABBCC")]   // the stream ends inside a message
        public async Task StreamReaderRefusesAStreamOutOfStep(string hex)
        {
            var reader = new TurnStreamReader(new MemoryStream(Hex.Parse(hex)));
            await Assert.ThrowsAsync<TurnFormatException>(() => reader.ReadAsync());
        }

        [Fact]
        public void StreamReaderSurvivesHostileStreams()
        {
            byte[] stun = new StunMessageBuilder(StunMessageType.BindingRequest, new byte[12]).AddFingerprint().ToArray();
            var seeds = new[] { stun.Concat(TurnChannelData.Build(0x4000, new byte[] { 1, 2, 3 }, pad: true)).ToArray() };
            Fuzz.HostileInput.Run(seeds, 20_000, 6062, input =>
            {
                var reader = new TurnStreamReader(new MemoryStream(input));
                while (reader.ReadAsync().GetAwaiter().GetResult() != null)
                {
                }
            }, e => e is TurnFormatException, length => 128L * length + 200_000);
        }

        /// <summary>Returns at most 3 bytes per read, as a TCP stream may, so that messages straddle reads.</summary>
        private sealed class TrickleStream : MemoryStream
        {
            public TrickleStream(byte[] data) : base(data)
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 3));

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
                Task.FromResult(Read(buffer, offset, count));
        }
    }
}
