namespace KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs
{
    /// <summary>The H.264 NAL unit types the RTP payload format cares about (ITU-T H.264 table 7-1, RFC 6184 §5.2).</summary>
    public static class H264NalUnitType
    {
        public const int Idr = 5;
        public const int Sps = 7;
        public const int Pps = 8;
        public const int AccessUnitDelimiter = 9;
        public const int Filler = 12;
        public const int StapA = 24;
        public const int FuA = 28;

        public static int Of(byte header) => header & 0x1F;
    }
}
