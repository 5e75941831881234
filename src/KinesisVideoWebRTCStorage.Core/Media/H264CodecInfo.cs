using System;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>What a consumer needs to describe an H.264 track: parameter sets and what the SPS says.</summary>
    public sealed class H264CodecInfo
    {
        public H264CodecInfo(byte[] sps, byte[] pps, H264.H264Sps parsedSps)
        {
            Sps = sps ?? throw new ArgumentNullException(nameof(sps));
            Pps = pps ?? throw new ArgumentNullException(nameof(pps));
            Parsed = parsedSps ?? throw new ArgumentNullException(nameof(parsedSps));
        }

        /// <summary>The SPS NAL unit, header byte included, without start code.</summary>
        public byte[] Sps { get; }

        /// <summary>The PPS NAL unit, header byte included, without start code.</summary>
        public byte[] Pps { get; }

        public H264.H264Sps Parsed { get; }

        /// <summary>The SDP profile-level-id: profile_idc, constraint flags and level_idc as six hex digits.</summary>
        public string ProfileLevelId => Parsed.ProfileLevelId;

        public int Width => Parsed.Width;

        public int Height => Parsed.Height;

        /// <summary>
        /// The codec info from the SPS and PPS an Annex-B access unit carries (as every IDR of a WebRTC stream does),
        /// or null when it carries none or they do not parse.
        /// </summary>
        public static H264CodecInfo? TryFromAccessUnit(ReadOnlySpan<byte> accessUnit)
        {
            var sets = new H264.ParameterSets();
            try
            {
                var rest = accessUnit;
                while (H264.AnnexB.TryReadNal(ref rest, out var nal))
                    if (nal.Length > 0) sets.Update(nal);
            }
            catch (H264.H264FormatException)
            {
                return null;
            }
            return sets.LatestSps == null || sets.LatestPps == null ? null : new H264CodecInfo(sets.LatestSps, sets.LatestPps, H264.H264Sps.Parse(sets.LatestSps));
        }
    }
}
