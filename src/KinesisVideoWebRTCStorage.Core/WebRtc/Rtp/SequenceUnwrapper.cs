namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>Extends 16-bit sequence numbers to 64 bits by counting wraps, tolerating reordering within half the space.</summary>
    public sealed class SequenceUnwrapper
    {
        /// <summary>The highest extended sequence number seen, or -1 before the first.</summary>
        public long Highest { get; private set; } = -1;

        public long Unwrap(ushort sequenceNumber)
        {
            if (Highest < 0)
            {
                Highest = sequenceNumber;
                return sequenceNumber;
            }
            long extended = Highest + SequenceNumber.Distance((ushort)Highest, sequenceNumber);
            // Reordered packets from before the first one seen would go negative; they are not worth a wrap count.
            if (extended < 0) extended += 1 << 16;
            if (extended > Highest) Highest = extended;
            return extended;
        }
    }
}
