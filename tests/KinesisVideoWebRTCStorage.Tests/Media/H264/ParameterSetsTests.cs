using System;
using System.Linq;
using KinesisVideoWebRTCStorage.Media.H264;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media.H264
{
    public class ParameterSetsTests
    {
        private static byte[] FirstNal(int type)
        {
            ReadOnlySpan<byte> data = MediaCorpus.Load("annexb")[0];
            while (AnnexB.TryReadNal(ref data, out var nal))
            {
                if (NalUnitType.Of(nal[0]) == type) return nal.ToArray();
            }
            throw new InvalidOperationException($"no NAL unit of type {type}");
        }

        [Fact]
        public void PutsEveryKnownPpsInFrontOfAnIdrThatLacksThem()
        {
            var sps = FirstNal(NalUnitType.Sps);
            var pps0 = FirstNal(NalUnitType.Pps);
            byte[] pps1 = { 0x68, 0x58, 0x80 }; // pic_parameter_set_id ue(1) = 010, seq_parameter_set_id ue(0) = 1
            byte[] pps1Changed = { 0x68, 0x58, 0xC0 };
            var sets = new ParameterSets();
            sets.Update(sps);
            sets.Update(pps1);
            sets.Update(pps0);
            sets.Update(pps1Changed); // same id: replaces
            sets.Update(pps0); // repeated: kept once

            Assert.Equal(new[] { pps0, pps1Changed }, sets.Pps);
            Assert.Equal(pps0, sets.LatestPps);
            using var unit = new AccessUnitBuffer(1 << 20);
            unit.Append(new byte[] { 0x09, 0xF0 }, sets);
            unit.Append(new byte[] { 0x65, 0x88, 0x84, 0x21 }, sets);
            unit.Append(new byte[] { 0x65, 0x08, 0x84, 0x21 }, sets); // a second slice of the same IDR gets nothing more
            Assert.Equal(new[] { 9, 7, 8, 8, 5, 5 }, H264AnnexBSourceTests.NalTypes(unit.Memory.ToArray()));
            Assert.True(unit.HasIdr);
        }

        [Fact]
        public void RejectsOutOfRangeIds()
        {
            var sets = new ParameterSets();
            // pic_parameter_set_id with 8 leading zeros is 255, the largest allowed; 9 leading zeros make at least 511.
            sets.Update(new byte[] { 0x68, 0x00, 0x80, 0x40 });
            Assert.Single(sets.Pps);
            var ex = Assert.Throws<H264FormatException>(() => sets.Update(new byte[] { 0x68, 0x00, 0x40, 0x00, 0x00 }));
            Assert.Contains("pic_parameter_set_id", ex.Message);
        }
    }
}
