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
    /// </summary>
    public sealed class RetransmissionBuffer
    {
        private readonly byte[][] _slots;
        private readonly int[] _lengths;
        private readonly int[] _sequences;
        private readonly byte[] _scratch;
        private readonly object _gate = new object();

        public RetransmissionBuffer(int capacity = 1024, int maxPacketSize = 1500)
        {
            // A power of two divides 2^16, so seq mod capacity never maps two live packets to one slot across the wrap.
            if (capacity < 2 || capacity > 32768 || (capacity & (capacity - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(capacity), "A power of two from 2 to 32768.");
            _slots = new byte[capacity][];
            _lengths = new int[capacity];
            _sequences = new int[capacity];
            for (int i = 0; i < capacity; i++)
            {
                _slots[i] = new byte[maxPacketSize];
                _sequences[i] = -1;
            }
            _scratch = new byte[maxPacketSize + RtpPacketEmitter.TrailerRoom];
            MaxPacketSize = maxPacketSize;
        }

        public int MaxPacketSize { get; }
        public long Retransmitted { get; private set; }

        /// <summary>NACKed packets no longer (or never) held.</summary>
        public long NotFound { get; private set; }

        public void Store(ReadOnlySpan<byte> rtpPacket)
        {
            if (rtpPacket.Length < RtpHeader.FixedLength || rtpPacket.Length > MaxPacketSize)
                throw new ArgumentException("Not an RTP packet that fits the buffer.", nameof(rtpPacket));
            ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(rtpPacket.Slice(2));
            int slot = sequence & (_slots.Length - 1);
            lock (_gate)
            {
                rtpPacket.CopyTo(_slots[slot]);
                _lengths[slot] = rtpPacket.Length;
                _sequences[slot] = sequence;
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
        /// Resends every packet <paramref name="nack"/> names that is still held, through <paramref name="sink"/>, as a copy
        /// with trailer room so the sink may protect in place. Returns the packets resent.
        /// </summary>
        public int Retransmit(TransportLayerNack nack, IRtpPacketSink sink)
        {
            lock (_gate) return RetransmitLocked(nack, sink);
        }

        private int RetransmitLocked(TransportLayerNack nack, IRtpPacketSink sink)
        {
            int resent = 0;
            foreach (var pair in nack.Pairs)
            {
                for (int offset = 0; offset <= 16; offset++)
                {
                    if (offset > 0 && (pair.LostBitmask & (1 << (offset - 1))) == 0) continue;
                    if (!TryGet((ushort)(pair.PacketId + offset), out var packet))
                    {
                        NotFound++;
                        continue;
                    }
                    packet.CopyTo(_scratch);
                    sink.OnRtpPacket(_scratch, packet.Length);
                    resent++;
                }
            }
            Retransmitted += resent;
            return resent;
        }
    }
}
