namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// The throughput the receiver confirmed: bytes of packets reported received over the last half second of their
    /// arrival times. It is what the link demonstrably carried, the basis of every decrease.
    /// </summary>
    public sealed class AcknowledgedBitrate
    {
        private const long WindowMicroseconds = 500_000;
        private const int Capacity = 4096;

        private readonly long[] _arrivals = new long[Capacity];
        private readonly int[] _sizes = new int[Capacity];
        private int _head, _count;
        private long _bytes;

        /// <summary>Bits per second, or null until the window holds enough to measure.</summary>
        public long? Bitrate { get; private set; }

        public void OnPacket(in PacketResult packet)
        {
            if (!packet.Received) return;
            if (_count == Capacity) Evict();
            int tail = (_head + _count) % Capacity;
            _arrivals[tail] = packet.ArrivalMicroseconds;
            _sizes[tail] = packet.Size;
            _count++;
            _bytes += packet.Size;
            long newest = packet.ArrivalMicroseconds;
            while (_count > 0 && newest - _arrivals[_head] > WindowMicroseconds) Evict();
            long span = newest - _arrivals[_head];
            // A window under 150 ms (the start, or a burst after silence) says little about the link's rate.
            if (span >= 150_000) Bitrate = _bytes * 8 * 1_000_000 / span;
        }

        private void Evict()
        {
            _bytes -= _sizes[_head];
            _head = (_head + 1) % Capacity;
            _count--;
        }
    }
}
