using System.Globalization;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>
    /// The H.264 <c>profile-level-id</c> fmtp parameter (RFC 6184 section 8.1): profile_idc, profile-iop and level_idc as
    /// six hex digits. Absent means 420010 (Baseline, level 1.0).
    /// </summary>
    public readonly struct H264ProfileLevelId
    {
        public H264ProfileLevelId(byte profileIdc, byte profileIop, byte levelIdc)
        {
            ProfileIdc = profileIdc;
            ProfileIop = profileIop;
            LevelIdc = levelIdc;
        }

        public byte ProfileIdc { get; }
        public byte ProfileIop { get; }
        public byte LevelIdc { get; }

        public static readonly H264ProfileLevelId Default = new H264ProfileLevelId(0x42, 0x00, 0x10);

        public static bool TryParse(string? text, out H264ProfileLevelId value)
        {
            value = Default;
            if (text == null) return true;
            if (text.Length != 6 || !uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint bits)) return false;
            value = new H264ProfileLevelId((byte)(bits >> 16), (byte)(bits >> 8), (byte)bits);
            return true;
        }

        /// <summary>
        /// How well a decoder of this profile takes a Constrained Baseline stream: 0 Constrained Baseline, 1 Baseline,
        /// 2 Main, 3 High (each a superset of Constrained Baseline), null for profiles we do not offer streams to.
        /// </summary>
        public int? ConstrainedBaselineRank
        {
            get
            {
                switch (ProfileIdc)
                {
                    case 0x42: return (ProfileIop & 0x40) != 0 ? 0 : 1;
                    case 0x4D: return 2;
                    case 0x64: return 3;
                    default: return null;
                }
            }
        }

        public override string ToString() => $"{ProfileIdc:x2}{ProfileIop:x2}{LevelIdc:x2}";
    }
}
