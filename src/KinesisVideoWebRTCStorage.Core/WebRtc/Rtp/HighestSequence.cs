namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>
    /// The highest sequence number seen on one stream, extended by its wraps (RFC 3550 A.1): what tells a new packet
    /// from a retransmission or a late one, for feedback and statistics. Unlike <see cref="ReceiveSequenceTracker"/>,
    /// which follows the packet a depacketizer expects next and restarts on a large backward jump, anything at or
    /// before the highest is old here. A mutable struct: keep it in a field, never a copy.
    /// </summary>
    public struct HighestSequence
    {
        private long _extended;
        private bool _started;

        /// <summary>Whether a packet has been seen.</summary>
        public bool HasValue => _started;

        /// <summary>The highest sequence number, as carried in the header.</summary>
        public ushort Value => (ushort)_extended;

        /// <summary>The highest sequence number plus 65536 for each wrap since the first packet.</summary>
        public long Extended => _extended;

        /// <summary>
        /// How far past the highest <paramref name="sequence"/> is, 1 for the next packet (and for the first), and
        /// then it is the highest; zero or less for a packet at or before it, which changes nothing.
        /// </summary>
        public int Advance(ushort sequence)
        {
            if (!_started)
            {
                _started = true;
                _extended = sequence;
                return 1;
            }
            int ahead = SequenceNumber.Distance((ushort)_extended, sequence);
            if (ahead > 0) _extended += ahead;
            return ahead;
        }
    }
}
