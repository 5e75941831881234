namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// One sent packet as transport-wide feedback described it: when we sent it (our clock), when it arrived (the
    /// receiver's clock; only differences between arrivals mean anything) and its size on the wire.
    /// </summary>
    public readonly struct PacketResult
    {
        public PacketResult(long sendMicroseconds, long arrivalMicroseconds, int size)
        {
            SendMicroseconds = sendMicroseconds;
            ArrivalMicroseconds = arrivalMicroseconds;
            Size = size;
        }

        public long SendMicroseconds { get; }

        /// <summary>Negative when the feedback said the packet never arrived.</summary>
        public long ArrivalMicroseconds { get; }

        public int Size { get; }

        public bool Received => ArrivalMicroseconds >= 0;
    }
}
