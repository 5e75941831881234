using System;
using System.Buffers.Binary;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Sender
{
    /// <summary>
    /// Recently sent RTP packets (plain, before SRTP) by sequence number, to answer generic NACKs. The packets' bytes
    /// live one after another in a ring that starts small and doubles, up to <c>maxBytes</c>, only when it would
    /// otherwise overwrite a packet still young enough to be worth resending: what it holds is bounded by time
    /// (<see cref="MaxUsefulAge"/>), by bytes and by the <c>capacity</c> of packets, so a small stream keeps a small
    /// history. Storing and resending allocate nothing, except when the ring grows. Storing (the sending thread) and
    /// resending (the RTCP thread) are serialized by a lock.
    /// <para>
    /// A NACK is answered only where a resend can still help, so that on a congested link retransmissions do not add
    /// to the queue that caused the loss: a packet that could no longer arrive within <see cref="MaxUsefulAge"/> of
    /// being first sent (half an RTT counted for the way there) is refused as too late, one resent less than an RTT
    /// ago is not sent again (that resend is still on its way), and resends stay within <see cref="MaxBitrate"/>.
    /// </para>
    /// </summary>
    public sealed class RetransmissionBuffer
    {
        /// <summary>Where the ring starts: about 20 full-size packets.</summary>
        private const int InitialBytes = 32 * 1024;

        private readonly int[] _lengths;
        private readonly int[] _sequences;
        private readonly long[] _positions; // where each packet starts, counted in bytes ever written to the ring
        private readonly long[] _sentAt;
        private readonly long[] _resentAt;
        private readonly ushort[] _order; // stored sequence numbers, oldest first, from _orderHead for _orderCount
        private readonly byte[] _scratch;
        private readonly Func<TimeSpan> _clock;
        private readonly object _gate = new object();
        private byte[] _ring;
        private long _written;
        private int _orderHead, _orderCount;
        private long _budgetBits;
        private long _budgetUpdatedAt;

        /// <param name="capacity">The most packets held.</param>
        /// <param name="maxBytes">The most bytes the ring grows to.</param>
        /// <param name="clock">A monotonic clock; a Stopwatch when null.</param>
        public RetransmissionBuffer(int capacity = 1024, int maxPacketSize = 1500, Func<TimeSpan>? clock = null, int maxBytes = 2 * 1024 * 1024)
        {
            // A power of two divides 2^16, so seq mod capacity never maps two live packets to one slot across the wrap.
            if (capacity < 2 || capacity > 32768 || (capacity & (capacity - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(capacity), "A power of two from 2 to 32768.");
            if (maxBytes < maxPacketSize) throw new ArgumentOutOfRangeException(nameof(maxBytes), "At least one packet.");
            _lengths = new int[capacity];
            _sentAt = new long[capacity];
            _resentAt = new long[capacity];
            _sequences = new int[capacity];
            _positions = new long[capacity];
            _order = new ushort[capacity];
            for (int i = 0; i < capacity; i++) _sequences[i] = -1;
            _ring = new byte[Math.Min(maxBytes, Math.Max(InitialBytes, 4 * maxPacketSize))];
            _scratch = new byte[maxPacketSize + RtpPacketEmitter.TrailerRoom];
            MaxPacketSize = maxPacketSize;
            MaxBytes = maxBytes;
            if (clock == null)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                clock = () => watch.Elapsed;
            }
            _clock = clock;
        }

        public int MaxPacketSize { get; }
        public int MaxBytes { get; }

        /// <summary>The bytes the ring holds now: what the stream's history costs.</summary>
        public int RingBytes
        {
            get
            {
                lock (_gate) return _ring.Length;
            }
        }

        public long Retransmitted { get; private set; }

        /// <summary>NACKed packets no longer (or never) held.</summary>
        public long NotFound { get; private set; }

        /// <summary>NACKed packets not resent because they could no longer arrive in time to be played.</summary>
        public long RefusedTooLate { get; private set; }

        /// <summary>NACKed packets not resent again because their last resend, less than an RTT ago, may still arrive.</summary>
        public long RefusedRecentlyResent { get; private set; }

        /// <summary>NACKed packets not resent because resends had used up <see cref="MaxBitrate"/>.</summary>
        public long RefusedOverRate { get; private set; }

        /// <summary>How long after its first sending a packet is still worth resending: receivers play media within about a second.</summary>
        public TimeSpan MaxUsefulAge { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The cap on resent bits per second (with a burst of a fifth of a second); null for none.</summary>
        public long? MaxBitrate { get; set; }

        /// <summary>Keeps a packet; call it with packets in the order they are sent, each sequence number once.</summary>
        public void Store(ReadOnlySpan<byte> rtpPacket)
        {
            if (rtpPacket.Length < RtpHeader.FixedLength || rtpPacket.Length > MaxPacketSize)
                throw new ArgumentException("Not an RTP packet that fits the buffer.", nameof(rtpPacket));
            ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(rtpPacket.Slice(2));
            int slot = sequence & (_sequences.Length - 1);
            long now = _clock().Ticks;
            lock (_gate)
            {
                long start = MakeRoom(rtpPacket.Length, now);
                rtpPacket.CopyTo(_ring.AsSpan((int)(start % _ring.Length)));
                _written = start + rtpPacket.Length;
                _lengths[slot] = rtpPacket.Length;
                _sequences[slot] = sequence;
                _positions[slot] = start;
                _sentAt[slot] = now;
                _resentAt[slot] = long.MinValue;
                if (_orderCount == _order.Length) DropOldest();
                _order[(_orderHead + _orderCount++) % _order.Length] = sequence;
            }
        }

        /// <summary>
        /// Where a packet of <paramref name="length"/> bytes goes (an absolute position; never split across the ring's
        /// end): the oldest packets it would overwrite are forgotten, or the ring doubles while one of them is still
        /// worth resending.
        /// </summary>
        private long MakeRoom(int length, long now)
        {
            while (true)
            {
                long start = _written;
                int offset = (int)(start % _ring.Length);
                if (offset + length > _ring.Length) start += _ring.Length - offset;
                long end = start + length;
                if (_orderCount == 0) return start;
                int oldest = _order[_orderHead] & (_sequences.Length - 1);
                if (_sequences[oldest] != _order[_orderHead])
                {
                    DropOldest(); // its slot holds a newer packet already
                    continue;
                }
                if (_positions[oldest] + _ring.Length >= end) return start; // the oldest packet held is not overwritten
                if (now - _sentAt[oldest] < MaxUsefulAge.Ticks && _ring.Length < MaxBytes) Grow();
                else DropOldest();
            }
        }

        /// <summary>Doubles the ring (within <see cref="MaxBytes"/>), copying the packets it holds, oldest first.</summary>
        private void Grow()
        {
            var ring = new byte[Math.Min(MaxBytes, _ring.Length * 2)];
            long written = 0;
            for (int i = 0; i < _orderCount; i++)
            {
                ushort sequence = _order[(_orderHead + i) % _order.Length];
                int slot = sequence & (_sequences.Length - 1);
                if (_sequences[slot] != sequence) continue;
                _ring.AsSpan((int)(_positions[slot] % _ring.Length), _lengths[slot]).CopyTo(ring.AsSpan((int)written));
                _positions[slot] = written;
                written += _lengths[slot];
            }
            _ring = ring;
            _written = written;
        }

        private void DropOldest()
        {
            ushort sequence = _order[_orderHead];
            int slot = sequence & (_sequences.Length - 1);
            if (_sequences[slot] == sequence) _sequences[slot] = -1;
            _orderHead = (_orderHead + 1) % _order.Length;
            _orderCount--;
        }

        /// <summary>Copies the held packet <paramref name="sequenceNumber"/> into <paramref name="destination"/>; returns its length or 0.</summary>
        public int CopyTo(ushort sequenceNumber, Span<byte> destination)
        {
            lock (_gate)
            {
                if (!TryGet(sequenceNumber, out var packet)) return 0;
                packet.CopyTo(destination);
                return packet.Length;
            }
        }

        private bool TryGet(ushort sequenceNumber, out ReadOnlySpan<byte> packet)
        {
            int slot = sequenceNumber & (_sequences.Length - 1);
            if (_sequences[slot] != sequenceNumber)
            {
                packet = default;
                return false;
            }
            packet = _ring.AsSpan((int)(_positions[slot] % _ring.Length), _lengths[slot]);
            return true;
        }

        /// <summary>
        /// Resends every packet <paramref name="nack"/> names that is still held and still worth resending, through
        /// <paramref name="sink"/>, as a copy with trailer room so the sink may protect in place. Returns the packets resent.
        /// </summary>
        /// <param name="roundTripTime">The latest RTT measured from reception reports; null before the first.</param>
        public int Retransmit(TransportLayerNack nack, IRtpPacketSink sink, TimeSpan? roundTripTime = null)
        {
            lock (_gate) return RetransmitLocked(nack, sink, roundTripTime ?? TimeSpan.Zero);
        }

        private int RetransmitLocked(TransportLayerNack nack, IRtpPacketSink sink, TimeSpan roundTripTime)
        {
            long now = _clock().Ticks;
            RefillBudget(now);
            int resent = 0;
            foreach (var pair in nack.Pairs)
            {
                for (int offset = 0; offset <= 16; offset++)
                {
                    if (offset > 0 && (pair.LostBitmask & (1 << (offset - 1))) == 0) continue;
                    ushort sequence = (ushort)(pair.PacketId + offset);
                    if (!TryGet(sequence, out var packet))
                    {
                        NotFound++;
                        continue;
                    }
                    int slot = sequence & (_sequences.Length - 1);
                    if (now - _sentAt[slot] + roundTripTime.Ticks / 2 > MaxUsefulAge.Ticks)
                    {
                        RefusedTooLate++;
                        continue;
                    }
                    if (_resentAt[slot] != long.MinValue && now - _resentAt[slot] < roundTripTime.Ticks)
                    {
                        RefusedRecentlyResent++;
                        continue;
                    }
                    if (MaxBitrate != null && _budgetBits < packet.Length * 8L)
                    {
                        RefusedOverRate++;
                        continue;
                    }
                    if (MaxBitrate != null) _budgetBits -= packet.Length * 8L;
                    _resentAt[slot] = now;
                    packet.CopyTo(_scratch);
                    sink.OnRtpPacket(_scratch, packet.Length);
                    resent++;
                }
            }
            Retransmitted += resent;
            return resent;
        }

        /// <summary>A token bucket at <see cref="MaxBitrate"/> holding at most a fifth of a second's worth.</summary>
        private void RefillBudget(long now)
        {
            if (MaxBitrate is not long rate)
            {
                _budgetUpdatedAt = now;
                return;
            }
            long elapsed = now - _budgetUpdatedAt;
            _budgetUpdatedAt = now;
            long burst = rate / 5;
            _budgetBits = Math.Min(burst, _budgetBits + (long)((double)elapsed / TimeSpan.TicksPerSecond * rate));
        }
    }
}
