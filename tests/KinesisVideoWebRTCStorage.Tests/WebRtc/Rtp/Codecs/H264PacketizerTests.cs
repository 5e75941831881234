using System;
using KinesisVideoWebRTCStorage.Media.H264;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs
{
    public class H264PacketizerTests
    {
        internal static readonly byte[] Sps = { 0x67, 0x42, 0xC0, 0x1F, 0x8C, 0x8D, 0x40 };
        internal static readonly byte[] Pps = { 0x68, 0xCE, 0x3C, 0x80 };

        internal static byte[] Nal(byte header, int length)
        {
            var nal = new byte[length];
            nal[0] = header;
            for (int i = 1; i < length; i++) nal[i] = (byte)(i * 31 + 7 | 1); // never zero, so no accidental start codes
            return nal;
        }

        internal static byte[] AnnexB(params byte[][] nals) =>
            nals.SelectMany((n, i) => (i % 2 == 0 ? new byte[] { 0, 0, 0, 1 } : new byte[] { 0, 0, 1 }).Concat(n)).ToArray();

        [Fact]
        public void AggregatesSpsAndPpsIntoOneStapAThenFragmentsTheIdr()
        {
            var idr = Nal(0x65, 3000);
            var sink = new CapturingSink();
            var packetizer = new H264Packetizer(0xAABBCCDD, 102, 65534, maxPayloadSize: 1200);
            int count = packetizer.Packetize(AnnexB(new byte[] { 0x09, 0xF0 }, Sps, Pps, idr), 90_000, sink);

            Assert.Equal(sink.Packets.Count, count);
            Assert.Equal(4, count); // STAP-A + three FU-A (2999 bytes / 1198 per fragment)
            Assert.Equal(new[] { 65534, 65535, 0, 1 }, sink.Packets.Select(p => (int)RtpPacket.Parse(p).Header.SequenceNumber));
            Assert.All(sink.Packets, p => Assert.Equal(90_000u, RtpPacket.Parse(p).Header.Timestamp));
            Assert.Equal(new[] { false, false, false, true }, sink.Packets.Select(p => RtpPacket.Parse(p).Header.Marker));
            Assert.All(sink.Packets, p => Assert.True(RtpPacket.Parse(p).Payload.Length <= 1200));

            var stap = RtpPacket.Parse(sink.Packets[0]).Payload.ToArray();
            // F=0, NRI=3 (max of SPS and PPS), type 24; then 16-bit sizes (RFC 6184 §5.7.1).
            Assert.Equal(new byte[] { 0x78, 0, 7 }.Concat(Sps).Concat(new byte[] { 0, 4 }).Concat(Pps), stap);

            var fragments = sink.Packets.Skip(1).Select(p => RtpPacket.Parse(p).Payload.ToArray()).ToList();
            Assert.All(fragments, f => Assert.Equal(0x7C, f[0])); // NRI of the IDR, type 28
            Assert.Equal(new byte[] { 0x85, 0x05, 0x45 }, fragments.Select(f => f[1]));
            Assert.Equal(idr.Skip(1), fragments.SelectMany(f => f.Skip(2)));
        }

        [Fact]
        public void RepeatsTheLatestParameterSetsBeforeAnIdrThatLacksThem()
        {
            var sink = new CapturingSink();
            var packetizer = new H264Packetizer(1, 96, 0);
            var newSps = new byte[] { 0x67, 0x64, 0x00, 0x28 };
            packetizer.Packetize(AnnexB(Sps, Pps, Nal(0x65, 100)), 0, sink);
            packetizer.Packetize(AnnexB(Nal(0x41, 100)), 3000, sink);
            packetizer.Packetize(AnnexB(newSps), 6000, sink);
            sink.Packets.Clear();

            packetizer.Packetize(AnnexB(Nal(0x06, 10), Nal(0x65, 100), Nal(0x65, 100)), 9000, sink);
            var payloads = sink.Packets.Select(p => RtpPacket.Parse(p).Payload.ToArray()).ToList();
            Assert.Equal(4, payloads.Count); // SEI, STAP-A(SPS, PPS), IDR slice, IDR slice: only the first slice gets them
            Assert.Equal(new byte[] { 0x78, 0, 4 }.Concat(newSps).Concat(new byte[] { 0, 4 }).Concat(Pps), payloads[1]);
            Assert.Equal(0x65, payloads[2][0]);
            Assert.Equal(0x65, payloads[3][0]);

            sink.Packets.Clear();
            packetizer.RepeatParameterSets = false;
            packetizer.Packetize(AnnexB(Nal(0x65, 100)), 12000, sink);
            Assert.Single(sink.Packets);
        }

        [Fact]
        public void SendsSmallNalUnitsAsSingleNalPackets()
        {
            var sink = new CapturingSink();
            var packetizer = new H264Packetizer(1, 96, 0);
            var slice1 = Nal(0x41, 500);
            var slice2 = Nal(0x01, 1200); // exactly the budget
            packetizer.Packetize(AnnexB(slice1, slice2), 3000, sink);
            Assert.Equal(2, sink.Packets.Count);
            Assert.Equal(slice1, RtpPacket.Parse(sink.Packets[0]).Payload.ToArray());
            Assert.Equal(slice2, RtpPacket.Parse(sink.Packets[1]).Payload.ToArray());
            Assert.False(RtpPacket.Parse(sink.Packets[0]).Header.Marker);
            Assert.True(RtpPacket.Parse(sink.Packets[1]).Header.Marker);
        }

        [Fact]
        public void LoneParameterSetGoesOutWithoutAggregationHeader()
        {
            var sink = new CapturingSink();
            new H264Packetizer(1, 96, 0).Packetize(AnnexB(Sps, Nal(0x41, 100), Pps), 0, sink);
            Assert.Equal(3, sink.Packets.Count);
            Assert.Equal(Sps, RtpPacket.Parse(sink.Packets[0]).Payload.ToArray());
            Assert.Equal(Pps, RtpPacket.Parse(sink.Packets[2]).Payload.ToArray());
            Assert.True(RtpPacket.Parse(sink.Packets[2]).Header.Marker);
        }

        [Fact]
        public void SequenceNumbersContinueAcrossAccessUnits()
        {
            var sink = new CapturingSink();
            var packetizer = new H264Packetizer(1, 96, 10);
            packetizer.Packetize(AnnexB(Nal(0x41, 10)), 0, sink);
            packetizer.Packetize(AnnexB(Nal(0x41, 10)), 3000, sink);
            Assert.Equal(new[] { 10, 11 }, sink.Packets.Select(p => (int)RtpPacket.Parse(p).Header.SequenceNumber));
            Assert.Equal(12, packetizer.Emitter.NextSequenceNumber);
        }

        [Fact]
        public void EmptyOrStartCodeFreeInputEmitsNothing()
        {
            var sink = new CapturingSink();
            var packetizer = new H264Packetizer(1, 96, 0);
            Assert.Equal(0, packetizer.Packetize(ReadOnlySpan<byte>.Empty, 0, sink));
            Assert.Equal(0, packetizer.Packetize(new byte[] { 0, 0, 0, 1, 0, 0, 1 }, 0, sink));
            Assert.Empty(sink.Packets);
        }

        [Fact]
        public void AnnexBSplittingSplitsOnBothStartCodeLengthsAndTrimsTrailingZeros()
        {
            ReadOnlySpan<byte> data = new byte[] { 0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 0, 0, 3, 9 };
            var nals = new List<byte[]>();
            while (KinesisVideoWebRTCStorage.Media.H264.AnnexB.TryReadNal(ref data, out var nal)) nals.Add(nal.ToArray());
            Assert.Equal(3, nals.Count);
            Assert.Equal(new byte[] { 0x67, 1, 2 }, nals[0]);
            Assert.Equal(new byte[] { 0x68, 3 }, nals[1]);
            Assert.Equal(new byte[] { 0x65, 0, 0, 3, 9 }, nals[2]); // an emulation-prevented 00 00 03 is not a start code
        }

        [Fact]
        public void PacketizingAKeyframeDoesNotAllocateInSteadyState()
        {
            var accessUnit = AnnexB(Sps, Pps, Nal(0x65, 150_000));
            var sink = new CountingSink();
            var packetizer = new H264Packetizer(1, 96, 0);
            packetizer.Packetize(accessUnit, 0, sink);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 1; i <= 20; i++) packetizer.Packetize(accessUnit, (uint)(i * 3000), sink);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(21 * 127, sink.Count); // 1 STAP-A + ceil(149999 / 1198) FU-A
        }
    }
}
