namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>A generic NACK FCI entry (RFC 4585 §6.2.1): a lost packet id plus a bitmask of the 16 following ones.</summary>
    public readonly struct NackPair
    {
        public NackPair(ushort packetId, ushort lostBitmask)
        {
            PacketId = packetId;
            LostBitmask = lostBitmask;
        }

        public ushort PacketId { get; }

        /// <summary>Bit i set means PacketId + i + 1 is lost too.</summary>
        public ushort LostBitmask { get; }

        /// <summary>How many sequence numbers this entry names (1 to 17).</summary>
        public int Count
        {
            get
            {
                int count = 1;
                for (int bits = LostBitmask; bits != 0; bits &= bits - 1) count++;
                return count;
            }
        }

        /// <summary>True when <paramref name="sequenceNumber"/> is named by this entry.</summary>
        public bool Contains(ushort sequenceNumber)
        {
            int offset = (ushort)(sequenceNumber - PacketId);
            return offset == 0 || (offset <= 16 && (LostBitmask & (1 << (offset - 1))) != 0);
        }
    }
}
