namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>
    /// What transport-wide feedback says about one packet: whether it arrived and when. The sender pairs it with the
    /// send time it remembers for the sequence number; the difference in spacing is what delay-based congestion control
    /// reads as queueing.
    /// </summary>
    public readonly struct TransportPacketResult
    {
        public TransportPacketResult(ushort sequenceNumber, bool received, long arrivalMicroseconds)
        {
            SequenceNumber = sequenceNumber;
            Received = received;
            ArrivalMicroseconds = received ? arrivalMicroseconds : 0;
        }

        /// <summary>The transport-wide sequence number (the header extension's, not the RTP one).</summary>
        public ushort SequenceNumber { get; }

        public bool Received { get; }

        /// <summary>
        /// Arrival on the feedback sender's clock, in microseconds: the reference time plus the receive deltas up to this
        /// packet, at the wire's 250 µs resolution. The clock's origin is the receiver's own, so only differences between
        /// arrivals mean anything to the media sender. 0 when not received.
        /// </summary>
        public long ArrivalMicroseconds { get; }
    }
}
