namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>The H.264 nal_unit_type values this library acts on (ITU-T H.264 table 7-1).</summary>
    public static class NalUnitType
    {
        public const int NonIdrSlice = 1;
        public const int PartitionA = 2;
        public const int IdrSlice = 5;
        public const int Sei = 6;
        public const int Sps = 7;
        public const int Pps = 8;
        public const int AccessUnitDelimiter = 9;
        public const int Filler = 12;

        public static int Of(byte header) => header & 0x1F;

        /// <summary>Slice NAL units that carry first_mb_in_slice (partitions B and C do not).</summary>
        public static bool IsSliceStart(int type) => type == NonIdrSlice || type == PartitionA || type == IdrSlice;

        /// <summary>Non-VCL units that, after a picture's slices, begin the next access unit (H.264 7.4.1.2.3).</summary>
        public static bool StartsAccessUnit(int type) => type == Sei || type == Sps || type == Pps || type == AccessUnitDelimiter || (type >= 14 && type <= 18);
    }
}
