using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtcp
{
    public class RtcpPacketTests
    {
        [Fact]
        public void ParsesSenderReportAndSdesFromSeedBytes()
        {
            var packets = RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", "sr-sdes"));
            Assert.Equal(2, packets.Count);
            var sr = Assert.IsType<SenderReport>(packets[0]);
            Assert.Equal(0x1111u, sr.Ssrc);
            Assert.Equal(0xE1E2E3E4_80000000UL, sr.NtpTimestamp);
            Assert.Equal(90000u, sr.RtpTimestamp);
            Assert.Equal(10u, sr.PacketCount);
            Assert.Equal(12000u, sr.OctetCount);
            var block = Assert.Single(sr.Reports);
            Assert.Equal(0x2222u, block.Ssrc);
            Assert.Equal(5, block.FractionLost);
            Assert.Equal(3, block.CumulativeLost);
            Assert.Equal(0x00010010u, block.ExtendedHighestSequence);
            Assert.Equal(0xABCD0000u, block.LastSenderReport);
            Assert.Equal(65536u, block.DelaySinceLastSenderReport);
            var sdes = Assert.IsType<SourceDescription>(packets[1]);
            Assert.Equal("user@host", sdes.GetCName(0x1111));
            Assert.Null(sdes.GetCName(0x2222));
        }

        [Fact]
        public void ParsesReceiverReportWithNegativeCumulativeLossAndBye()
        {
            var packets = RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", "rr-bye"));
            var rr = Assert.IsType<ReceiverReport>(packets[0]);
            Assert.Equal(-1, rr.Reports[0].CumulativeLost);
            var bye = Assert.IsType<Goodbye>(packets[1]);
            Assert.Equal(new uint[] { 0x3333 }, bye.Sources);
            Assert.Equal("done", bye.Reason);
        }

        [Fact]
        public void ParsesNackAndPli()
        {
            var packets = RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", "nack-pli"));
            var nack = Assert.IsType<TransportLayerNack>(packets[0]);
            Assert.Equal(0x1111u, nack.MediaSsrc);
            Assert.Equal(2, nack.Pairs.Count);
            Assert.True(nack.Pairs[0].Contains(100));
            Assert.True(nack.Pairs[0].Contains(101));
            Assert.True(nack.Pairs[0].Contains(116));
            Assert.False(nack.Pairs[0].Contains(102));
            Assert.Equal(3, nack.Pairs[0].Count);
            Assert.Equal(17, nack.Pairs[1].Count);
            Assert.True(nack.Pairs[1].Contains(10)); // 65530 + 16 wraps to 10
            var pli = Assert.IsType<PictureLossIndication>(packets[1]);
            Assert.Equal(0x3333u, pli.SenderSsrc);
            Assert.Equal(0x1111u, pli.MediaSsrc);
        }

        [Fact]
        public void ParsesFirAndRembAndSkipsApp()
        {
            var packets = RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", "fir-remb-app"));
            Assert.Equal(2, packets.Count);
            var fir = Assert.IsType<FullIntraRequest>(packets[0]);
            Assert.Equal(0x1111u, fir.Entries.Single().Ssrc);
            Assert.Equal(9, fir.Entries.Single().SequenceNumber);
            var remb = Assert.IsType<ReceiverEstimatedMaximumBitrate>(packets[1]);
            Assert.Equal(200000UL << 3, remb.Bitrate);
            Assert.Equal(new uint[] { 0x1111, 0x2222 }, remb.Ssrcs);
        }

        [Fact]
        public void AcceptsReducedSizeFeedbackWithPadding()
        {
            var packet = Assert.Single(RtcpCompoundPacket.Parse(SeedCorpus.Load("rtcp", "rsize-padded-pli")));
            Assert.Equal(0x1111u, Assert.IsType<PictureLossIndication>(packet).MediaSsrc);
        }

        [Fact]
        public void CompoundRoundTripsEveryType()
        {
            var written = new List<RtcpPacket>
            {
                new SenderReport(1, 0x0102030405060708, 3, 4, 5, new[] { new ReceptionReport(9, 10, -5, 11, 12, 13, 14) }),
                new ReceiverReport(2, new[] { new ReceptionReport(9, 0, 0x7FFFFF, 1, 2, 3, 4) }),
                SourceDescription.ForCName(1, "cname-\u00e9"),
                new Goodbye(new uint[] { 1, 2 }, "bye"),
                TransportLayerNack.FromLost(1, 2, new ushort[] { 65534, 65535, 0, 20, 40 }),
                new PictureLossIndication(1, 2),
                new FullIntraRequest(1, new[] { new FirEntry(2, 7) }),
                new ReceiverEstimatedMaximumBitrate(1, 2_500_000, new uint[] { 2 }),
                TransportLayerCc.Create(1, 2, 3, 65534, new long[] { 70_000, -1, 69_000, 200_000 }),
            };
            var bytes = RtcpCompoundPacket.ToArray(written);
            var read = RtcpCompoundPacket.Parse(bytes);
            Assert.Equal(written.Count, read.Count);
            // Re-serializing what was read must give the same bytes, which compares every field.
            Assert.Equal(bytes, RtcpCompoundPacket.ToArray(read));
            var nack = (TransportLayerNack)read[4];
            Assert.Equal(new[] { 65534, 20, 40 }, nack.Pairs.Select(p => (int)p.PacketId));
            Assert.True(nack.Pairs[0].Contains(0));
            Assert.Equal(-5, ((SenderReport)read[0]).Reports[0].CumulativeLost);
            Assert.Equal("cname-\u00e9", ((SourceDescription)read[2]).GetCName(1));
            Assert.Equal(2_500_000UL, ((ReceiverEstimatedMaximumBitrate)read[7]).Bitrate);
            Assert.Equal(new long[] { 70_000, 0, 69_000, 200_000 }, ((TransportLayerCc)read[8]).Packets.Select(p => p.ArrivalMicroseconds));
        }

        [Fact]
        public void RembRoundsLargeBitratesDownToMantissaPrecision()
        {
            var remb = new ReceiverEstimatedMaximumBitrate(1, (1UL << 40) + 12345, new uint[0]);
            var read = (ReceiverEstimatedMaximumBitrate)RtcpCompoundPacket.Parse(remb.ToArray())[0];
            Assert.Equal(1UL << 40, read.Bitrate);
        }

        [Fact]
        public void InvalidUtf8TextStillReserializesWithinTheLengthOctet()
        {
            // A CNAME of 255 0xFF bytes decodes to 255 replacement characters, 765 bytes when re-encoded.
            var body = new byte[] { 0, 0, 0, 1, 1, 255 }.Concat(Enumerable.Repeat((byte)0xFF, 255)).Concat(new byte[] { 0, 0, 0 }).ToArray();
            var bytes = new byte[] { 0x81, 202, 0, (byte)(body.Length / 4) }.Concat(body).ToArray();
            var sdes = Assert.IsType<SourceDescription>(Assert.Single(RtcpCompoundPacket.Parse(bytes)));
            var again = RtcpCompoundPacket.Parse(sdes.ToArray());
            Assert.Equal(255, System.Text.Encoding.UTF8.GetByteCount(((SourceDescription)again[0]).GetCName(1)!));
        }

        [Fact]
        public void PictureLossIndicationHasExactWireBytes()
        {
            Assert.Equal(Hex.Parse("81CE0002 00000001 00000002"), new PictureLossIndication(1, 2).ToArray());
        }

        [Theory]
        [InlineData("81C8000C", "length")]
        [InlineData("01C80000", "version")]
        [InlineData("81C90000", "SSRC")]
        [InlineData("81C90001 00000001", "report blocks")]
        [InlineData("A1CE0002 00000001 00000000", "padding")]
        [InlineData("81CA0001 00000001", "END")]
        [InlineData("80C90001 00000001 00", "shorter than a header")]
        public void RejectsMalformedPacketsWithTypedError(string hex, string reason)
        {
            var error = Assert.Throws<RtcpFormatException>(() => RtcpCompoundPacket.Parse(Hex.Parse(hex)));
            Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void OffsetsOfErrorsInLaterPacketsAreRelativeToTheCompound()
        {
            var bytes = Hex.Parse("81CE0002 00000001 00000002 81C90001 00000001");
            var error = Assert.Throws<RtcpFormatException>(() => RtcpCompoundPacket.Parse(bytes));
            Assert.Equal(12 + 8, error.Offset);
        }
    }
}
