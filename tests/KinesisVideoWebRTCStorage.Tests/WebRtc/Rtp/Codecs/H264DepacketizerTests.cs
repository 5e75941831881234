using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs
{
    public class H264DepacketizerTests
    {
        private readonly List<(byte[] Unit, uint Timestamp, bool Complete)> _units = new List<(byte[], uint, bool)>();
        private readonly H264Depacketizer _depacketizer;

        public H264DepacketizerTests()
        {
            _depacketizer = new H264Depacketizer((unit, timestamp, complete) => _units.Add((unit.ToArray(), timestamp, complete)));
        }

        private static List<byte[]> Packetize(byte[] accessUnit, uint timestamp, ushort firstSequence = 100)
        {
            var sink = new CapturingSink();
            new H264Packetizer(1, 96, firstSequence).Packetize(accessUnit, timestamp, sink);
            return sink.Packets;
        }

        private void Push(IEnumerable<byte[]> packets)
        {
            foreach (var packet in packets) _depacketizer.Push(RtpPacket.Parse(packet));
        }

        /// <summary>What the depacketizer rebuilds: every unit with a 4-byte start code, delimiters dropped.</summary>
        private static byte[] Canonical(params byte[][] nals) => nals.SelectMany(n => new byte[] { 0, 0, 0, 1 }.Concat(n)).ToArray();

        [Fact]
        public void RebuildsWhatThePacketizerSplit()
        {
            var idr = H264PacketizerTests.Nal(0x65, 5000);
            var slice = H264PacketizerTests.Nal(0x41, 300);
            Push(Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Sps, H264PacketizerTests.Pps, idr), 3000));
            Push(Packetize(H264PacketizerTests.AnnexB(slice), 6000, firstSequence: 106));
            Assert.Equal(2, _units.Count);
            Assert.Equal(Canonical(H264PacketizerTests.Sps, H264PacketizerTests.Pps, idr), _units[0].Unit);
            Assert.Equal((3000u, true), (_units[0].Timestamp, _units[0].Complete));
            Assert.Equal(Canonical(slice), _units[1].Unit);
            Assert.Equal(0, _depacketizer.LostPackets);
        }

        [Fact]
        public void ParsesTheRfc6184SeedPackets()
        {
            Push(new[] { "stap-a", "single", "fu-a-start", "fu-a-middle", "fu-a-end" }.Select(n => SeedCorpus.Load("h264", n)));
            Assert.Equal(2, _units.Count);
            Assert.Equal(Canonical(H264PacketizerTests.Sps, H264PacketizerTests.Pps, new byte[] { 0x65 }.Concat(Enumerable.Range(0, 60).Select(i => (byte)i)).ToArray()), _units[0].Unit);
            Assert.Equal(Canonical(new byte[] { 0x65 }.Concat(Enumerable.Range(0, 300).Select(i => (byte)i)).ToArray()), _units[1].Unit);
        }

        [Fact]
        public void DropsUnitWithALostFragmentAndRecoversOnTheNext()
        {
            var first = Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x65, 4000)), 3000);
            first.RemoveAt(2);
            Push(first);
            Push(Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x41, 100)), 6000, firstSequence: (ushort)(100 + first.Count + 1)));
            Assert.Single(_units);
            Assert.Equal(6000u, _units[0].Timestamp);
            Assert.Equal(1, _depacketizer.LostPackets);
            Assert.Equal(1, _depacketizer.IncompleteUnits);
        }

        [Fact]
        public void LostMarkerPacketClosesUnitOnTimestampChangeAsIncomplete()
        {
            _depacketizer.DeliverIncomplete = true;
            var first = Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x41, 100), H264PacketizerTests.Nal(0x41, 100)), 3000);
            Push(first.Take(1));
            Push(Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x41, 50)), 6000, firstSequence: 102));
            Assert.Equal(2, _units.Count);
            Assert.False(_units[0].Complete); // its marker packet never came
            Assert.False(_units[1].Complete); // the loss could have been this unit's start
        }

        [Fact]
        public void UnitWithoutMarkerIsDeliveredOnTimestampChangeWhenNothingWasLost()
        {
            var packet = new byte[20];
            RtpPacket.Write(packet, new RtpHeader(96, 1, 3000, 1), H264PacketizerTests.Nal(0x41, 8));
            _depacketizer.Push(RtpPacket.Parse(packet));
            RtpPacket.Write(packet, new RtpHeader(96, 2, 6000, 1), H264PacketizerTests.Nal(0x41, 8));
            _depacketizer.Push(RtpPacket.Parse(packet));
            _depacketizer.Flush();
            Assert.Equal(new[] { true, true }, _units.Select(u => u.Complete));
        }

        [Fact]
        public void FragmentWithoutStartAndMalformedStapAreCountedNotThrown()
        {
            Push(new[] { SeedCorpus.Load("h264", "fu-a-middle"), SeedCorpus.Load("h264", "fu-a-end") });
            var badStap = new byte[16];
            RtpPacket.Write(badStap, new RtpHeader(96, 105, 20000, 1, marker: true), new byte[] { 0x78, 0x00, 0x09, 0x67 });
            _depacketizer.Push(RtpPacket.Parse(badStap));
            Assert.Empty(_units);
            Assert.Equal(2, _depacketizer.IncompleteUnits);
            Assert.Equal(1, _depacketizer.MalformedPayloads);
        }

        [Fact]
        public void LateDuplicateIsIgnored()
        {
            var packets = Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x41, 100)), 3000);
            Push(packets);
            Push(packets);
            Assert.Single(_units);
            Assert.Equal(1, _depacketizer.LatePacketsDropped);
        }

        /// <summary>A padding-only packet as libwebrtc sends it for bandwidth probing: no payload, 255 bytes of padding.</summary>
        private static byte[] PaddingOnly(ushort sequence, uint timestamp)
        {
            var packet = new byte[RtpHeader.FixedLength + 255];
            RtpPacket.Write(packet, new RtpHeader(96, sequence, timestamp, 1), ReadOnlySpan<byte>.Empty, paddingLength: 255);
            return packet;
        }

        [Fact]
        public void PaddingOnlyPacketsBetweenFramesAreSkippedNotCountedAsMalformed()
        {
            // Chromium's order: a frame, its marker, then padding stamped with that frame's timestamp, then the next frame.
            var first = Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x65, 3000)), 3000);
            Push(first);
            ushort next = (ushort)(100 + first.Count);
            Push(new[] { PaddingOnly(next, 3000), PaddingOnly((ushort)(next + 1), 3000), PaddingOnly((ushort)(next + 2), 3000) });
            Push(Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x41, 100)), 6000, firstSequence: (ushort)(next + 3)));
            _depacketizer.Flush();

            Assert.Equal(new[] { (3000u, true), (6000u, true) }, _units.Select(u => (u.Timestamp, u.Complete)));
            Assert.Equal(3, _depacketizer.PaddingOnlyPackets);
            Assert.Equal(0, _depacketizer.MalformedPayloads);
            Assert.Equal(0, _depacketizer.IncompleteUnits);
            Assert.Equal(0, _depacketizer.LostPackets);
        }

        [Fact]
        public void PaddingStampedWithTheNextFramesTimestampDoesNotTaintThatFrame()
        {
            Push(new[] { PaddingOnly(99, 6000) });
            Push(Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x41, 3000)), 6000));
            Assert.Equal(new[] { (6000u, true) }, _units.Select(u => (u.Timestamp, u.Complete)));
        }

        [Fact]
        public void ALossBeforeAPaddingPacketStillTaintsTheNextFrame()
        {
            Push(Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x41, 100)), 3000));
            // Sequence 101 is lost: it may have been the start of the next frame, which therefore cannot be trusted.
            Push(new[] { PaddingOnly(102, 3000) });
            Push(Packetize(H264PacketizerTests.AnnexB(H264PacketizerTests.Nal(0x41, 100)), 6000, firstSequence: 103));
            Assert.Single(_units);
            Assert.Equal(3000u, _units[0].Timestamp);
            Assert.Equal(1, _depacketizer.LostPackets);
            Assert.Equal(1, _depacketizer.IncompleteUnits);
        }
    }
}
