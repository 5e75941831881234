namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>How a received packet's sequence number relates to the ones before it.</summary>
    public enum SequenceStatus
    {
        InOrder,

        /// <summary>Packets between the expected and this one are missing.</summary>
        Gap,

        /// <summary>Slightly behind the expected number: reordered or duplicated; drop it.</summary>
        Late,

        /// <summary>Far behind the expected number: the source restarted (or lies); continuity is lost.</summary>
        Restarted,
    }

    /// <summary>
    /// Follows the expected sequence number of a received stream. Like RFC 3550 appendix A.1's MAX_MISORDER, only packets
    /// a little behind count as late; a large backward jump restarts tracking, so one bogus packet cannot make the stream
    /// look "late" for the next 32 thousand packets.
    /// </summary>
    public struct ReceiveSequenceTracker
    {
        public const int MaxMisorder = 100;

        private bool _started;
        private ushort _expected;

        public SequenceStatus Advance(ushort sequenceNumber, out int lost)
        {
            lost = 0;
            var status = SequenceStatus.InOrder;
            if (_started && sequenceNumber != _expected)
            {
                int distance = SequenceNumber.Distance(_expected, sequenceNumber);
                if (distance < 0 && distance >= -MaxMisorder) return SequenceStatus.Late;
                if (distance < 0)
                {
                    status = SequenceStatus.Restarted;
                }
                else
                {
                    lost = distance;
                    status = SequenceStatus.Gap;
                }
            }
            _started = true;
            _expected = (ushort)(sequenceNumber + 1);
            return status;
        }
    }
}
