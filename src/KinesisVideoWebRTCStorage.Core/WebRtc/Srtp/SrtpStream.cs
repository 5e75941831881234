namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>Per-SSRC cryptographic state of one direction (RFC 3711 §3.2.1): the RTP index and both replay windows.</summary>
    internal sealed class SrtpStream
    {
        /// <summary>The next SRTCP index to send.</summary>
        public uint NextRtcpIndex;

        /// <summary>Also the rollover state: its highest index is ROC·2^16 + s_l.</summary>
        public readonly SrtpReplayWindow RtpWindow = new SrtpReplayWindow();

        public readonly SrtpReplayWindow RtcpWindow = new SrtpReplayWindow();

        /// <summary>
        /// The packet index for <paramref name="sequenceNumber"/>: the RFC 3711 appendix A ROC guess, i.e. the index closest
        /// to the highest one seen. Negative when the packet predates the stream's first packet.
        /// </summary>
        public long EstimateIndex(ushort sequenceNumber)
        {
            long highest = RtpWindow.Highest;
            return highest < 0 ? sequenceNumber : highest + Rtp.SequenceNumber.Distance((ushort)highest, sequenceNumber);
        }
    }
}
