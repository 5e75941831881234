using System;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Dtls
{
    public class DtlsRecordHeaderTests
    {
        // A ClientHello record (truncated body is fine for framing) followed by a ChangeCipherSpec record.
        private static readonly byte[] TwoRecords = Convert.FromHexString(
            "16FEFF0000000000000000000401020304" + "14FEFD0001000000000007000101");

        [Fact]
        public void ParsesEveryRecordOfADatagram()
        {
            var records = DtlsRecordHeader.ParseDatagram(TwoRecords);
            Assert.Equal(2, records.Count);
            Assert.Equal((DtlsRecordHeader.Handshake, (ushort)0xFEFF, (ushort)0, 0ul, 4), (records[0].ContentType, records[0].Version, records[0].Epoch, records[0].SequenceNumber, records[0].FragmentLength));
            Assert.Equal((DtlsRecordHeader.ChangeCipherSpec, (ushort)0xFEFD, (ushort)1, 7ul, 1), (records[1].ContentType, records[1].Version, records[1].Epoch, records[1].SequenceNumber, records[1].FragmentLength));
        }

        [Theory]
        [InlineData("")]
        [InlineData("16FEFD")]
        [InlineData("18FEFD00000000000000000000")]
        [InlineData("2FFEFD00000000000000000000")]
        [InlineData("1603030000000000000000000000")]
        [InlineData("16FEFD000000000000000000050102")]
        public void RejectsBadFraming(string hex) => Assert.Throws<DtlsFormatException>(() => DtlsRecordHeader.ParseDatagram(Convert.FromHexString(hex)));

        [Fact]
        public void BridgeDropsAndCountsMalformedDatagrams()
        {
            var bridge = new DtlsDatagramBridge(_ => { });
            bridge.Deliver(Convert.FromHexString("16FEFD000000000000000000050102"));
            bridge.Deliver(TwoRecords);
            Assert.Equal(1, bridge.DroppedMalformed);
            var buffer = new byte[bridge.GetReceiveLimit()];
            Assert.Equal(TwoRecords.Length, bridge.Receive(buffer, 0, buffer.Length, 0));
            Assert.Equal(-1, bridge.Receive(buffer, 0, buffer.Length, 0));

            var small = new DtlsDatagramBridge(_ => { }, queueCapacity: 2);
            for (int i = 0; i < 3; i++) small.Deliver(TwoRecords);
            Assert.Equal(1, small.DroppedOverflow);
            small.Close();
            Assert.Throws<System.IO.IOException>(() => small.Receive(buffer, 0, buffer.Length, 0) + small.Receive(buffer, 0, buffer.Length, 0) + small.Receive(buffer, 0, buffer.Length, 0));
        }

        [Fact]
        public void SurvivesHostileInput()
        {
            var seeds = Corpus.Files("dtls").Select(System.IO.File.ReadAllBytes).Append(TwoRecords).ToList();
            int rejected = Fuzz.HostileInput.Run(seeds, 100_000, 6347, input =>
            {
                var records = DtlsRecordHeader.ParseDatagram(input);
                Assert.Equal(input.Length, records.Sum(r => DtlsRecordHeader.Length + r.FragmentLength));
            }, e => e is DtlsFormatException, length => 64L * length + 4096);
            Assert.InRange(rejected, 10_000, 99_999);
        }
    }
}
