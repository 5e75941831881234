namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>Wrap-aware arithmetic on 16-bit RTP sequence numbers (RFC 3550 appendix A.1 semantics).</summary>
    public static class SequenceNumber
    {
        /// <summary>The signed distance from <paramref name="from"/> to <paramref name="to"/> in (-32768, 32767].</summary>
        public static int Distance(ushort from, ushort to) => (short)(ushort)(to - from);

        /// <summary>True when <paramref name="a"/> comes after <paramref name="b"/> in a wrapping sequence.</summary>
        public static bool IsNewer(ushort a, ushort b) => a != b && Distance(b, a) > 0;
    }
}
