namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>A FIR FCI entry: which source must send a keyframe, and the request's sequence number.</summary>
    public readonly struct FirEntry
    {
        public FirEntry(uint ssrc, byte sequenceNumber)
        {
            Ssrc = ssrc;
            SequenceNumber = sequenceNumber;
        }

        public uint Ssrc { get; }

        /// <summary>Repeats of one request carry the same number, so a sender can tell a new request from a retransmitted one.</summary>
        public byte SequenceNumber { get; }
    }
}
