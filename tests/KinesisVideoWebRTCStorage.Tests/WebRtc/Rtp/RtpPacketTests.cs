using System;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp
{
    public class RtpPacketTests
    {
        [Fact]
        public void ParsesFixedHeaderFieldsFromKnownBytes()
        {
            var bytes = Hex.Parse("80E1 FFFF 00000BB8 DEADBEEF 0102");
            var packet = RtpPacket.Parse(bytes);
            Assert.True(packet.Header.Marker);
            Assert.Equal(97, packet.Header.PayloadType);
            Assert.Equal(65535, packet.Header.SequenceNumber);
            Assert.Equal(3000u, packet.Header.Timestamp);
            Assert.Equal(0xDEADBEEFu, packet.Header.Ssrc);
            Assert.Equal(new byte[] { 1, 2 }, packet.Payload.ToArray());
            Assert.Equal(12, packet.HeaderLength);
        }

        [Fact]
        public void RoundTripsCsrcsOneByteExtensionAndPadding()
        {
            Span<byte> extensionBuffer = stackalloc byte[32];
            var extensions = new RtpExtensionWriter(extensionBuffer, RtpExtensionForm.OneByte);
            extensions.Add(1, new byte[] { 0xAA });
            extensions.Add(14, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 });
            var header = new RtpHeader(96, 42, 123456, 0x01020304, marker: true);
            var buffer = new byte[200];
            int length = RtpPacket.Write(buffer, header, new byte[] { 9, 8, 7 }, new uint[] { 5, 6 }, extensions.Profile, extensions.Body, paddingLength: 5);

            Assert.Equal(RtpPacket.GetLength(2, extensions.Body.Length, true, 3, 5), length);
            var packet = RtpPacket.Parse(buffer.AsSpan(0, length));
            Assert.Equal(header.SequenceNumber, packet.Header.SequenceNumber);
            Assert.True(packet.Header.Marker);
            Assert.Equal(2, packet.CsrcCount);
            Assert.Equal(6u, packet.GetCsrc(1));
            Assert.Equal(5, packet.PaddingLength);
            Assert.Equal(new byte[] { 9, 8, 7 }, packet.Payload.ToArray());
            Assert.True(packet.TryGetExtension(1, out var one));
            Assert.Equal(new byte[] { 0xAA }, one.ToArray());
            Assert.True(packet.TryGetExtension(14, out var fourteen));
            Assert.Equal(16, fourteen.Length);
            Assert.False(packet.TryGetExtension(2, out _));
        }

        [Fact]
        public void RoundTripsTwoByteExtensionsIncludingEmptyElements()
        {
            var extensionBuffer = new byte[300];
            var extensions = new RtpExtensionWriter(extensionBuffer, RtpExtensionForm.TwoByte);
            extensions.Add(200, Array.Empty<byte>());
            extensions.Add(17, new byte[255]);
            var buffer = new byte[400];
            int length = RtpPacket.Write(buffer, new RtpHeader(100, 1, 2, 3), new byte[] { 1 }, default, extensions.Profile, extensions.Body);
            var packet = RtpPacket.Parse(buffer.AsSpan(0, length));
            Assert.Equal(RtpExtensionElements.TwoByteProfile, packet.ExtensionProfile);
            Assert.True(packet.TryGetExtension(200, out var empty));
            Assert.Equal(0, empty.Length);
            Assert.True(packet.TryGetExtension(17, out var big));
            Assert.Equal(255, big.Length);
        }

        [Fact]
        public void ReadsExtensionsFromHandWrittenOneByteBlockWithPadding()
        {
            // RFC 8285 §4.2 example shape: ids 1 (1 byte) and 2 (2 bytes) with zero padding between and after.
            var packet = RtpPacket.Parse(Hex.Parse("9060 0001 00000000 00000001 BEDE 0002 10AA 0021 0102 0000 FF"));
            Assert.True(packet.TryGetExtension(2, out var two));
            Assert.Equal(new byte[] { 1, 2 }, two.ToArray());
            Assert.Equal(new byte[] { 0xFF }, packet.Payload.ToArray());
        }

        [Theory]
        [InlineData("8060000100000000000000", "shorter")]
        [InlineData("4060000100000000000000010203", "version")]
        [InlineData("8160000100000000000000", "shorter")]
        [InlineData("82600001000000000000000100000002", "CSRC")]
        [InlineData("90600001000000000000000100010004AABBCCDD", "extension")]
        [InlineData("A060000100000000000000010000", "padding")]
        [InlineData("A06000010000000000000001AA05", "padding")]
        public void RejectsMalformedHeadersWithTypedError(string hex, string reason)
        {
            var error = Assert.Throws<RtpFormatException>(() => RtpPacket.Parse(Hex.Parse(hex)));
            Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.IsAssignableFrom<WireFormatException>(error);
        }

        [Fact]
        public void WriteFixedProducesExactBytes()
        {
            var buffer = new byte[12];
            new RtpHeader(111, 0x1234, 0x56789ABC, 0xCAFEBABE, marker: true).WriteFixed(buffer);
            Assert.Equal(Hex.Parse("80EF 1234 56789ABC CAFEBABE"), buffer);
        }

        [Fact]
        public void SerializationDoesNotAllocate()
        {
            var buffer = new byte[1500];
            var payload = new byte[1200];
            var header = new RtpHeader(96, 0, 0, 1);
            RtpPacket.Write(buffer, header, payload);
            RtpPacket.Parse(buffer.AsSpan(0, 1212)); // first use: whatever the runtime sets up once is not the parser's
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                header.SequenceNumber = (ushort)i;
                RtpPacket.Write(buffer, header, payload);
                RtpPacket.Parse(buffer.AsSpan(0, 1212));
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
