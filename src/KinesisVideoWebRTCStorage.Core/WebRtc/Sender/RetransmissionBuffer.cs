using System;
using System.Buffers.Binary;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Sender
{
    /// <summary>
    /// The last <c>capacity</c> sent RTP packets (plain, before SRTP) by sequence number, to answer generic NACKs.
    /// Slots are preallocated and reused, so storing and resending allocate nothing. Storing (the sending thread) and
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
        private readonly byte[][] _slots;
        private readonly int[] _lengths;
        private readonly int[] _sequences;
        private readonly long[] _sentAt;
        private readonly long[] _resentAt;
        private readonly byte[] _scratch;
        private readonly Func<TimeSpan> _clock;
        private readonly object _gate = new object();
        private long _budgetBits;
        private long _budgetUpdatedAt;

        /// <param name="clock">A monotonic clock; a Stopwatch when null.</param>
        public RetransmissionBuffer(int capacity = 1024, int maxPacketSize = 1500, Func<TimeSpan>? clock = null)
        {
            // A power of two divides 2^16, so seq mod capacity never maps two live packets to one slot across the wrap.
            if (capacity < 2 || capacity > 32768 || (capacity & (capacity - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(capacity), "A power of two from 2 to 32768.");
            _slots = new byte[capacity][];
            _lengths = new int[capacity];
            _sentAt = new long[capacity];
            _resentAt = new long[capacity];
            _sequences = new int[capacity];
            for (int i = 0; i < capacity; i++)
            {
                _slots[i] = new byte[maxPacketSize];
                _sequences[i] = -1;
            }
            _scratch = new byte[maxPacketSize + RtpPacketEmitter.TrailerRoom];
            MaxPacketSize = maxPacketSize;
            if (clock == null)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                clock = () => watch.Elapsed;
            }
            _clock = clock;
        }

        public int MaxPacketSize { get; }
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

        public void Store(ReadOnlySpan<byte> rtpPacket)
        {
            if (rtpPacket.Length < RtpHeader.FixedLength || rtpPacket.Length > MaxPacketSize)
                throw new ArgumentException("Not an RTP packet that fits the buffer.", nameof(rtpPacket));
            ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(rtpPacket.Slice(2));
            int slot = sequence & (_slots.Length - 1);
            long now = _clock().Ticks;
            lock (_gate)
            {
                rtpPacket.CopyTo(_slots[slot]);
                _lengths[slot] = rtpPacket.Length;
                _sequences[slot] = sequence;
                _sentAt[slot] = now;
                _resentAt[slot] = long.MinValue;
            }
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
            int slot = sequenceNumber & (_slots.Length - 1);
            if (_sequences[slot] != sequenceNumber)
            {
                packet = default;
                return false;
            }
            packet = _slots[slot].AsSpan(0, _lengths[slot]);
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
                    int slot = sequence & (_slots.Length - 1);
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
