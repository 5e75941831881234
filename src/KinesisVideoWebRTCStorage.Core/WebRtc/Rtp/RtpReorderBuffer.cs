using System;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>Receives a packet in sequence order; the span is valid only during the call.</summary>
    public delegate void RtpPacketHandler(ReadOnlySpan<byte> packet);

    /// <summary>
    /// A small reorder buffer for one RTP stream: packets are released in sequence order; a gap is given up once a packet
    /// <c>capacity</c> or more sequence numbers past it arrives. Sized for loopback and LAN jitter, not for
    /// playout smoothing; it has no clock. Slots are preallocated, so pushing allocates nothing.
    /// </summary>
    public sealed class RtpReorderBuffer
    {
        private readonly RtpPacketHandler _handler;
        private readonly byte[][] _slots;
        private readonly int[] _lengths;
        private readonly int _maxPacketSize;
        private int _next = -1; // next sequence number to release
        private int _held;

        public RtpReorderBuffer(RtpPacketHandler handler, int capacity = 32, int maxPacketSize = 1500)
        {
            _handler = handler ?? throw new ArgumentNullException(nameof(handler));
            // A power of two divides 2^16, so slot = seq mod capacity stays collision-free across the sequence wrap.
            if (capacity < 2 || capacity > 1024 || (capacity & (capacity - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(capacity), "A power of two from 2 to 1024.");
            _maxPacketSize = maxPacketSize;
            _slots = new byte[capacity][];
            _lengths = new int[capacity];
            for (int i = 0; i < capacity; i++) _slots[i] = new byte[maxPacketSize];
        }

        public long Released { get; private set; }
        public long Skipped { get; private set; }
        public long DroppedLateOrDuplicate { get; private set; }
        public long DroppedInvalid { get; private set; }

        /// <summary>Times a packet far behind the window was taken as a restart of the sequence.</summary>
        public long Restarts { get; private set; }

        /// <summary>Takes one RTP packet (header at least); releases every packet that is now in order.</summary>
        public void Push(ReadOnlySpan<byte> packet)
        {
            if (packet.Length < RtpHeader.FixedLength || packet.Length > _maxPacketSize)
            {
                DroppedInvalid++;
                return;
            }
            ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2));
            if (_next < 0) _next = sequence;
            int ahead = SequenceNumber.Distance((ushort)_next, sequence);
            if (ahead < -ReceiveSequenceTracker.MaxMisorder)
            {
                // Far behind: the source restarted its numbering; waiting for it to catch up would drop everything.
                Flush();
                Restarts++;
                _next = sequence;
                ahead = 0;
            }
            else if (ahead < 0)
            {
                DroppedLateOrDuplicate++;
                return;
            }
            // Too far ahead to hold: give up on the oldest gaps, releasing what is held, until the packet fits the window.
            while (ahead >= _slots.Length && _held > 0)
            {
                ReleaseSlot((ushort)_next, countMissing: true);
                _next = (ushort)(_next + 1);
                ahead--;
            }
            if (ahead >= _slots.Length)
            {
                // Nothing held: the rest of the jump is arithmetic, not a loop over up to 32767 empty slots.
                int skip = ahead - _slots.Length + 1;
                Skipped += skip;
                _next = (ushort)(_next + skip);
            }
            int slot = sequence % _slots.Length;
            if (_lengths[slot] != 0)
            {
                DroppedLateOrDuplicate++;
                return;
            }
            packet.CopyTo(_slots[slot]);
            _lengths[slot] = packet.Length;
            _held++;
            while (_lengths[_next % _slots.Length] != 0)
            {
                ReleaseSlot((ushort)_next, countMissing: false);
                _next = (ushort)(_next + 1);
            }
        }

        /// <summary>Releases everything held, skipping gaps; for the end of a stream.</summary>
        public void Flush()
        {
            while (_held > 0)
            {
                ReleaseSlot((ushort)_next, countMissing: true);
                _next = (ushort)(_next + 1);
            }
        }

        private void ReleaseSlot(ushort sequence, bool countMissing)
        {
            int slot = sequence % _slots.Length;
            int length = _lengths[slot];
            if (length == 0)
            {
                if (countMissing) Skipped++;
                return;
            }
            _lengths[slot] = 0;
            _held--;
            Released++;
            _handler(_slots[slot].AsSpan(0, length));
        }
    }
}
