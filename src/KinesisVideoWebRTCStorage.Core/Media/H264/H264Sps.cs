using System;

namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>The parts of a sequence parameter set (H.264 7.3.2.1.1) that describe the stream to others.</summary>
    public sealed class H264Sps
    {
        /// <summary>SPS NAL units are tens of bytes; anything this long is not one.</summary>
        public const int MaxLength = 4096;

        /// <summary>16384 pixels on a side, beyond any H.264 level.</summary>
        private const int MaxMacroblocks = 1024;

        private H264Sps(int profileIdc, int constraintFlags, int levelIdc, int width, int height, double? frameRate)
        {
            ProfileIdc = profileIdc;
            ConstraintFlags = constraintFlags;
            LevelIdc = levelIdc;
            Width = width;
            Height = height;
            FrameRate = frameRate;
        }

        public int ProfileIdc { get; }

        /// <summary>constraint_set0..5 flags and the two reserved bits, as the byte after profile_idc.</summary>
        public int ConstraintFlags { get; }

        public int LevelIdc { get; }

        /// <summary>Displayed width: macroblocks less the cropping window.</summary>
        public int Width { get; }

        /// <summary>Displayed height: macroblocks (or field pairs) less the cropping window.</summary>
        public int Height { get; }

        /// <summary>time_scale / (2 * num_units_in_tick) from the VUI timing info, when present.</summary>
        public double? FrameRate { get; }

        public string ProfileLevelId => $"{ProfileIdc:x2}{ConstraintFlags:x2}{LevelIdc:x2}";

        /// <summary>Parses an SPS NAL unit (header byte included, no start code).</summary>
        public static H264Sps Parse(ReadOnlySpan<byte> nal)
        {
            if (nal.Length < 4) throw new H264FormatException($"SPS of {nal.Length} bytes is too short");
            if (nal.Length > MaxLength) throw new H264FormatException($"SPS of {nal.Length} bytes is longer than {MaxLength}");
            if (NalUnitType.Of(nal[0]) != NalUnitType.Sps) throw new H264FormatException($"NAL unit type {NalUnitType.Of(nal[0])} is not an SPS");
            Span<byte> rbsp = stackalloc byte[nal.Length];
            int length = EmulationPrevention.Remove(nal.Slice(1), rbsp);
            var r = new RbspBitReader(rbsp.Slice(0, length));

            int profileIdc = (int)r.ReadBits(8);
            int constraintFlags = (int)r.ReadBits(8);
            int levelIdc = (int)r.ReadBits(8);
            r.ReadUe(31, "seq_parameter_set_id");
            int chromaFormatIdc = 1;
            bool separateColourPlane = false;
            if (HasChromaInfo(profileIdc))
            {
                chromaFormatIdc = r.ReadUe(3, "chroma_format_idc");
                if (chromaFormatIdc == 3) separateColourPlane = r.ReadFlag();
                r.ReadUe(6, "bit_depth_luma_minus8");
                r.ReadUe(6, "bit_depth_chroma_minus8");
                r.ReadFlag(); // qpprime_y_zero_transform_bypass_flag
                if (r.ReadFlag())
                {
                    int lists = chromaFormatIdc != 3 ? 8 : 12;
                    for (int i = 0; i < lists; i++)
                    {
                        if (r.ReadFlag()) SkipScalingList(ref r, i < 6 ? 16 : 64);
                    }
                }
            }
            r.ReadUe(12, "log2_max_frame_num_minus4");
            int pocType = r.ReadUe(2, "pic_order_cnt_type");
            if (pocType == 0)
            {
                r.ReadUe(12, "log2_max_pic_order_cnt_lsb_minus4");
            }
            else if (pocType == 1)
            {
                r.ReadFlag(); // delta_pic_order_always_zero_flag
                r.ReadSe();
                r.ReadSe();
                int cycle = r.ReadUe(255, "num_ref_frames_in_pic_order_cnt_cycle");
                for (int i = 0; i < cycle; i++) r.ReadSe();
            }
            r.ReadUe(32, "max_num_ref_frames");
            r.ReadFlag(); // gaps_in_frame_num_value_allowed_flag
            int widthMbs = r.ReadUe(MaxMacroblocks - 1, "pic_width_in_mbs_minus1") + 1;
            int heightMapUnits = r.ReadUe(MaxMacroblocks - 1, "pic_height_in_map_units_minus1") + 1;
            bool frameMbsOnly = r.ReadFlag();
            if (!frameMbsOnly) r.ReadFlag(); // mb_adaptive_frame_field_flag
            r.ReadFlag(); // direct_8x8_inference_flag
            int width = widthMbs * 16;
            int height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16;
            if (r.ReadFlag())
            {
                // Crop units per H.264 equations 7-19 to 7-22: chroma subsampling and field coding scale the offsets.
                int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
                int cropX = chromaArrayType == 0 ? 1 : (chromaFormatIdc == 3 ? 1 : 2);
                int cropY = (chromaArrayType == 0 ? 1 : (chromaFormatIdc == 1 ? 2 : 1)) * (frameMbsOnly ? 1 : 2);
                long left = r.ReadUe(), right = r.ReadUe(), top = r.ReadUe(), bottom = r.ReadUe();
                long croppedWidth = width - cropX * (left + right);
                long croppedHeight = height - cropY * (top + bottom);
                if (croppedWidth <= 0 || croppedHeight <= 0) throw new H264FormatException("frame cropping removes the whole picture");
                width = (int)croppedWidth;
                height = (int)croppedHeight;
            }
            double? frameRate = r.ReadFlag() ? ReadVuiFrameRate(ref r) : null;
            return new H264Sps(profileIdc, constraintFlags, levelIdc, width, height, frameRate);
        }

        private static bool HasChromaInfo(int profileIdc) => profileIdc switch
        {
            100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135 => true,
            _ => false,
        };

        private static void SkipScalingList(ref RbspBitReader r, int size)
        {
            int last = 8, next = 8;
            for (int j = 0; j < size; j++)
            {
                if (next != 0)
                {
                    int delta = r.ReadSe();
                    if (delta < -128 || delta > 127) throw new H264FormatException($"delta_scale {delta} is out of range");
                    next = (last + delta + 256) % 256;
                }
                last = next == 0 ? last : next;
            }
        }

        /// <summary>Reads the VUI (Annex E.1.1) up to timing_info and returns the frame rate, if it is given.</summary>
        private static double? ReadVuiFrameRate(ref RbspBitReader r)
        {
            if (r.ReadFlag() && r.ReadBits(8) == 255) r.ReadBits(32); // aspect_ratio_idc == Extended_SAR: sar_width, sar_height
            if (r.ReadFlag()) r.ReadFlag(); // overscan_appropriate_flag
            if (r.ReadFlag())
            {
                r.ReadBits(4); // video_format, video_full_range_flag
                if (r.ReadFlag()) r.ReadBits(24); // colour_primaries, transfer_characteristics, matrix_coefficients
            }
            if (r.ReadFlag())
            {
                r.ReadUe();
                r.ReadUe();
            }
            if (!r.ReadFlag()) return null;
            uint unitsInTick = r.ReadBits(32);
            uint timeScale = r.ReadBits(32);
            if (unitsInTick == 0 || timeScale == 0) return null;
            double rate = timeScale / (2.0 * unitsInTick);
            return rate >= 0.01 && rate <= 1000 ? rate : null;
        }
    }
}
