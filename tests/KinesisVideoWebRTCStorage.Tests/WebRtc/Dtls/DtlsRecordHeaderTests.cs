using System;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Dtls
{
    public class DtlsRecordHeaderTests
    {
        // A ClientHello record (one fragment: a 4-byte body stands in for the message) followed by a ChangeCipherSpec record.
        private static readonly byte[] TwoRecords = Convert.FromHexString(
            "16FEFF00000000000000000010" + "010000040000000000000004" + "01020304" + "14FEFD0001000000000007000101");

        [Fact]
        public void ParsesEveryRecordOfADatagram()
        {
            var records = DtlsRecordHeader.ParseDatagram(TwoRecords);
            Assert.Equal(2, records.Count);
            Assert.Equal((DtlsRecordHeader.Handshake, (ushort)0xFEFF, (ushort)0, 0ul, 16), (records[0].ContentType, records[0].Version, records[0].Epoch, records[0].SequenceNumber, records[0].FragmentLength));
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

        [Theory]
        [InlineData("16FEFD00000000000000000004" + "01020304", 17)] // shorter than a fragment header (the offset is where it ends)
        [InlineData("16FEFD0000000000000000000C" + "01FFFFFF0000000000000000", 14)] // announces a 16 MB message
        [InlineData("16FEFD0000000000000000000C" + "010080010000000000000000", 14)] // 32 KB and one byte
        [InlineData("16FEFD00000000000000000010" + "01000004000000000200000401020304", 19)] // fragment past the message's end
        [InlineData("16FEFD00000000000000000010" + "01000008000000000000000801020304", 22)] // fragment past the record's end
        public void RefusesPlaintextHandshakeFragmentsWhoseLengthsLie(string hex, int offset)
        {
            var error = Assert.Throws<DtlsFormatException>(() => DtlsRecordHeader.ParseDatagram(Convert.FromHexString(hex)));
            Assert.Equal(offset, error.Offset);
        }

        [Fact]
        public void ReadsEveryFragmentOfAPlaintextHandshakeRecordAndLeavesEncryptedOnesAlone()
        {
            // Two fragments of one 8-byte message in one record, then an epoch-1 handshake record (a Finished, encrypted).
            string plaintext = "010000080001000000000004" + "01020304" + "010000080001000004000004" + "05060708";
            var records = DtlsRecordHeader.ParseDatagram(Convert.FromHexString(
                "16FEFD00000000000000000020" + plaintext + "16FEFD00010000000000000003" + "FFFFFF"));
            Assert.Equal(2, records.Count);
            var second = DtlsHandshakeFragment.Parse(Convert.FromHexString(plaintext).AsSpan(16));
            Assert.Equal((1, 8, 1, 4, 4), ((int)second.MessageType, second.MessageLength, (int)second.MessageSequence, second.FragmentOffset, second.FragmentLength));
        }

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
