using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>
    /// Transport-wide congestion control feedback, RTPFB FMT 15 (draft-holmer-rmcat-transport-wide-cc-extensions-01
    /// §3.1): which packets of a range of transport-wide sequence numbers arrived, and when. With it the media sender
    /// runs the delay-based estimate itself (send-side bandwidth estimation) instead of taking a receiver's REMB.
    /// </summary>
    /// <remarks>
    /// The statuses are kept as the chunks they came in (or were packed into), plus one arrival per received packet.
    /// A run-length chunk names up to 8191 statuses in two bytes, so expanding them when parsing would let a few hostile
    /// bytes cost an allocation thousands of times their size; <see cref="Packets"/> decodes on access instead. Keeping
    /// the chunks also means a parsed packet writes back to the bytes it came from.
    /// </remarks>
    public sealed class TransportLayerCc : RtcpPacket
    {
        public const int Format = 15;

        /// <summary>
        /// The most statuses a packet may name. Feedback goes every 50-100 ms, so more would mean over 160,000 packets a
        /// second; a larger count is taken as corrupt, which also bounds what <see cref="Packets"/> decodes.
        /// </summary>
        public const int MaxPacketStatusCount = 16384;

        /// <summary>
        /// The longest packet <see cref="Create"/> makes: with IPv6, UDP and the SRTCP trailer it still fits the 1280-byte
        /// minimum IPv6 MTU, so feedback is never lost to fragmentation.
        /// </summary>
        public const int MaxLength = 1200;

        /// <summary>The unit of receive deltas.</summary>
        public const int DeltaTickMicroseconds = 250;

        /// <summary>The unit of the reference time.</summary>
        public const int ReferenceTickMicroseconds = 64000;

        private const int FixedLength = 16; // the SSRCs, base sequence number, status count, reference time and feedback count
        private const int ChunkLength = 2;
        private const int RunLengthCapacity = 0x1FFF;
        private const int OneBitCapacity = 14;
        private const int TwoBitCapacity = 7;

        // Status symbols; a received packet's symbol is also the byte length of its receive delta.
        private const int NotReceived = 0;
        private const int SmallDelta = 1;
        private const int LargeDelta = 2;
        private const int Reserved = 3;

        // Arrivals from Create are limited so that the delta arithmetic cannot overflow; 2^62 µs is 146,000 years.
        private const long MaxArrivalMicroseconds = 1L << 62;

        private readonly ushort[] _chunks;
        private readonly long[] _arrivals; // per received packet in sequence order, on the wire's clock
        private readonly int[] _chunkStarts; // index of each chunk's first status
        private readonly int[] _chunkReceived; // received statuses before each chunk
        private readonly int _deltaBytes;

        private TransportLayerCc(uint senderSsrc, uint mediaSsrc, ushort baseSequenceNumber, int packetStatusCount, int referenceTime,
            byte feedbackPacketCount, ushort[] chunks, long[] arrivals)
        {
            SenderSsrc = senderSsrc;
            MediaSsrc = mediaSsrc;
            BaseSequenceNumber = baseSequenceNumber;
            PacketStatusCount = packetStatusCount;
            ReferenceTime = referenceTime;
            FeedbackPacketCount = feedbackPacketCount;
            _chunks = chunks;
            _arrivals = arrivals;
            _chunkStarts = new int[chunks.Length];
            _chunkReceived = new int[chunks.Length];
            int start = 0, received = 0;
            for (int c = 0; c < chunks.Length; c++)
            {
                _chunkStarts[c] = start;
                _chunkReceived[c] = received;
                int span = Math.Min(Capacity(chunks[c]), packetStatusCount - start);
                for (int i = 0; i < span; i++)
                {
                    int symbol = Symbol(chunks[c], i);
                    if (symbol == NotReceived) continue;
                    received++;
                    _deltaBytes += symbol;
                }
                start += span;
            }
            Packets = new ResultList(this);
        }

        public override RtcpPacketType PacketType => RtcpPacketType.TransportLayerFeedback;
        public uint SenderSsrc { get; }

        /// <summary>Any one of the media sources; the feedback is about the transport, not one stream.</summary>
        public uint MediaSsrc { get; }

        /// <summary>The transport-wide sequence number of the first status.</summary>
        public ushort BaseSequenceNumber { get; }

        /// <summary>How many sequence numbers, from the base on, the packet reports on.</summary>
        public int PacketStatusCount { get; }

        /// <summary>
        /// The 24-bit signed reference time in units of <see cref="ReferenceTickMicroseconds"/>, on the feedback sender's
        /// clock; the first receive delta counts from it. It wraps every 12 days, so a long-running receiver's value may
        /// go negative.
        /// </summary>
        public int ReferenceTime { get; }

        /// <summary>Counts feedback packets (wrapping), so the media sender can tell feedback lost from feedback not sent.</summary>
        public byte FeedbackPacketCount { get; }

        /// <summary>One result per status, in sequence order: entry i is sequence number base + i (wrapping).</summary>
        public IReadOnlyList<TransportPacketResult> Packets { get; }

        /// <summary>
        /// Builds feedback from arrival times, as a receiver does on each report interval. Entry i of
        /// <paramref name="arrivalMicroseconds"/> is sequence number <paramref name="baseSequenceNumber"/> + i; a negative
        /// value means not received. The first entry must be received: its arrival anchors the reference time.
        /// </summary>
        /// <remarks>
        /// A packet may cover only a prefix of the entries: it stops before a receive delta that does not fit 16 signed
        /// bits, before it would grow past <see cref="MaxLength"/> bytes, and at <see cref="MaxPacketStatusCount"/>.
        /// <see cref="PacketStatusCount"/> says how many entries were taken, so the caller can send the rest in another.
        /// Each delta counts from the previous received packet's encoded arrival, not its true one, so the 250 µs
        /// rounding never accumulates: every arrival read back is within 125 µs of the one given.
        /// </remarks>
        public static TransportLayerCc Create(uint senderSsrc, uint mediaSsrc, byte feedbackPacketCount, ushort baseSequenceNumber,
            IReadOnlyList<long> arrivalMicroseconds)
        {
            if (arrivalMicroseconds == null) throw new ArgumentNullException(nameof(arrivalMicroseconds));
            if (arrivalMicroseconds.Count == 0) throw new ArgumentException("Feedback needs at least one packet.", nameof(arrivalMicroseconds));
            if (arrivalMicroseconds[0] < 0) throw new ArgumentException("The first packet must be received: its arrival anchors the reference time.", nameof(arrivalMicroseconds));
            long reference = arrivalMicroseconds[0] / ReferenceTickMicroseconds;
            int referenceTime = (int)(reference & 0xFFFFFF) << 8 >> 8;
            // The caller's clock minus the wire's: nonzero once the 24-bit reference has wrapped.
            long wrapped = (reference - referenceTime) * ReferenceTickMicroseconds;
            long previous = reference * ReferenceTickMicroseconds;
            var packer = new ChunkPacker();
            var arrivals = new List<long>();
            int size = FixedLength;
            int limit = Math.Min(arrivalMicroseconds.Count, MaxPacketStatusCount);
            int count = 0;
            for (; count < limit; count++)
            {
                long arrival = arrivalMicroseconds[count];
                if (arrival >= MaxArrivalMicroseconds) throw new ArgumentOutOfRangeException(nameof(arrivalMicroseconds), "Arrivals must be below 2^62 µs.");
                int symbol = NotReceived;
                long ticks = 0;
                if (arrival >= 0)
                {
                    // Rounded to the nearest tick; the bounds are checked before the division so nothing overflows.
                    long delta = arrival - previous;
                    if (delta < short.MinValue * (long)DeltaTickMicroseconds - DeltaTickMicroseconds / 2
                        || delta >= short.MaxValue * (long)DeltaTickMicroseconds + DeltaTickMicroseconds / 2)
                        break;
                    ticks = FloorDivide(delta + DeltaTickMicroseconds / 2, DeltaTickMicroseconds);
                    symbol = ticks >= 0 && ticks <= byte.MaxValue ? SmallDelta : LargeDelta;
                }
                int cost = symbol + packer.ChunkBytesFor(symbol);
                if (HeaderLength + ((size + cost + 3) & ~3) > MaxLength) break;
                packer.Add(symbol);
                size += cost;
                if (symbol == NotReceived) continue;
                previous += ticks * DeltaTickMicroseconds;
                arrivals.Add(previous - wrapped);
            }
            return new TransportLayerCc(senderSsrc, mediaSsrc, baseSequenceNumber, count, referenceTime, feedbackPacketCount,
                packer.Finish(), arrivals.ToArray());
        }

        protected override int CountOrFormat => Format;

        // The draft pads with zeros to a 32-bit boundary inside the body; the RTCP padding bit is not needed for that.
        protected override int BodyLength => (FixedLength + _chunks.Length * ChunkLength + _deltaBytes + 3) & ~3;

        protected override void WriteBody(Span<byte> body)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body, SenderSsrc);
            BinaryPrimitives.WriteUInt32BigEndian(body.Slice(4), MediaSsrc);
            BinaryPrimitives.WriteUInt16BigEndian(body.Slice(8), BaseSequenceNumber);
            BinaryPrimitives.WriteUInt16BigEndian(body.Slice(10), (ushort)PacketStatusCount);
            body[12] = (byte)(ReferenceTime >> 16);
            body[13] = (byte)(ReferenceTime >> 8);
            body[14] = (byte)ReferenceTime;
            body[15] = FeedbackPacketCount;
            int at = FixedLength;
            foreach (ushort chunk in _chunks)
            {
                BinaryPrimitives.WriteUInt16BigEndian(body.Slice(at), chunk);
                at += ChunkLength;
            }
            var cursor = new SymbolCursor(_chunks);
            long previous = ReferenceTime * (long)ReferenceTickMicroseconds;
            for (int i = 0, k = 0; i < PacketStatusCount; i++)
            {
                int symbol = cursor.Next();
                if (symbol == NotReceived) continue;
                long arrival = _arrivals[k++];
                // Exact: arrivals are the reference time plus whole ticks.
                int ticks = (int)((arrival - previous) / DeltaTickMicroseconds);
                previous = arrival;
                if (symbol == SmallDelta) body[at] = (byte)ticks;
                else BinaryPrimitives.WriteInt16BigEndian(body.Slice(at), (short)ticks);
                at += symbol;
            }
            body.Slice(at).Clear();
        }

        /// <remarks>
        /// Bytes after the last receive delta are ignored, as libwebrtc does: the draft's zero padding, or anything a sender
        /// appends. Padding announced with the RTCP padding bit (libwebrtc, pion) is removed before this sees the body.
        /// </remarks>
        internal static TransportLayerCc Parse(ReadOnlySpan<byte> body)
        {
            Require(body.Length >= FixedLength + ChunkLength, "transport-cc shorter than its fixed part and one chunk", HeaderLength);
            int count = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(10));
            Require(count > 0, "transport-cc reports no packets", HeaderLength + 10);
            Require(count <= MaxPacketStatusCount, "transport-cc packet status count is over 16384", HeaderLength + 10);

            // First the chunks are checked and the deltas sized, allocating nothing.
            int offset = FixedLength, covered = 0, chunkCount = 0, received = 0, deltaBytes = 0;
            while (covered < count)
            {
                Require(offset + ChunkLength <= body.Length, "transport-cc chunks cover fewer packets than its status count", HeaderLength + offset);
                ushort chunk = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(offset));
                int span = Math.Min(Capacity(chunk), count - covered);
                for (int i = 0; i < span; i++)
                {
                    // Symbols past the status count (the tail of a last vector chunk) mean nothing and are not checked.
                    int symbol = Symbol(chunk, i);
                    Require(symbol != Reserved, "transport-cc status symbol 3 is reserved", HeaderLength + offset);
                    if (symbol == NotReceived) continue;
                    received++;
                    deltaBytes += symbol;
                }
                covered += span;
                chunkCount++;
                offset += ChunkLength;
            }
            Require(body.Length - offset >= deltaBytes, "transport-cc receive deltas run past the packet", HeaderLength + offset);

            var chunks = new ushort[chunkCount];
            for (int c = 0; c < chunkCount; c++) chunks[c] = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(FixedLength + c * ChunkLength));
            int referenceTime = (body[12] << 24 | body[13] << 16 | body[14] << 8) >> 8; // sign-extends the 24 bits
            var arrivals = new long[received];
            var cursor = new SymbolCursor(chunks);
            long time = referenceTime * (long)ReferenceTickMicroseconds;
            for (int i = 0, k = 0; i < count; i++)
            {
                int symbol = cursor.Next();
                if (symbol == NotReceived) continue;
                int ticks = symbol == SmallDelta ? body[offset] : BinaryPrimitives.ReadInt16BigEndian(body.Slice(offset));
                offset += symbol;
                time += ticks * (long)DeltaTickMicroseconds;
                arrivals[k++] = time;
            }
            return new TransportLayerCc(BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body.Slice(4)),
                BinaryPrimitives.ReadUInt16BigEndian(body.Slice(8)), count, referenceTime, body[15], chunks, arrivals);
        }

        /// <summary>Statuses a chunk can hold: a run's length, or the vector's symbol count.</summary>
        private static int Capacity(ushort chunk) =>
            (chunk & 0x8000) == 0 ? chunk & RunLengthCapacity : (chunk & 0x4000) == 0 ? OneBitCapacity : TwoBitCapacity;

        /// <summary>The status symbol at <paramref name="index"/> within a chunk, first symbol in the high bits.</summary>
        private static int Symbol(ushort chunk, int index)
        {
            if ((chunk & 0x8000) == 0) return (chunk >> 13) & 3; // run length: T=0, S, 13-bit length
            if ((chunk & 0x4000) == 0) return (chunk >> (OneBitCapacity - 1 - index)) & 1; // T=1, S=0: 14 one-bit symbols
            return (chunk >> (2 * (TwoBitCapacity - 1 - index))) & 3; // T=1, S=1: 7 two-bit symbols
        }

        private static long FloorDivide(long value, long divisor)
        {
            long quotient = value / divisor;
            return value % divisor < 0 ? quotient - 1 : quotient;
        }

        /// <summary>Steps through the symbols of the statuses, in sequence order, across chunks of any kind.</summary>
        private struct SymbolCursor
        {
            private readonly ushort[] _chunks;
            private int _chunk;
            private int _within;

            public SymbolCursor(ushort[] chunks)
            {
                _chunks = chunks;
                _chunk = 0;
                _within = 0;
            }

            /// <summary>Called once per status only, so it never steps past the chunks (empty runs are skipped).</summary>
            public int Next()
            {
                while (_within >= Capacity(_chunks[_chunk]))
                {
                    _chunk++;
                    _within = 0;
                }
                return Symbol(_chunks[_chunk], _within++);
            }
        }

        /// <summary>
        /// Packs symbols into chunks as they come, each chunk in the most compact form that holds it, as libwebrtc does:
        /// a run while every symbol is the same (up to 8191), a 1-bit vector for up to 14 mixed symbols without a large
        /// delta, otherwise a 2-bit vector of 7.
        /// </summary>
        private sealed class ChunkPacker
        {
            private readonly List<ushort> _chunks = new List<ushort>();
            private readonly int[] _pending = new int[OneBitCapacity]; // a run's symbols past these are all the first
            private int _count;
            private bool _allSame = true;
            private bool _hasLarge;

            /// <summary>The chunk bytes adding the symbol costs: a new chunk opens when none is, or the open one is full.</summary>
            public int ChunkBytesFor(int symbol) => _count == 0 || !CanAdd(symbol) ? ChunkLength : 0;

            public void Add(int symbol)
            {
                if (!CanAdd(symbol)) Emit();
                if (_count < OneBitCapacity) _pending[_count] = symbol;
                _allSame = _allSame && symbol == _pending[0];
                _hasLarge = _hasLarge || symbol == LargeDelta;
                _count++;
            }

            public ushort[] Finish()
            {
                if (_count > 0) _chunks.Add(_allSame ? RunLength() : _count <= TwoBitCapacity ? TwoBit(_count) : OneBit());
                return _chunks.ToArray();
            }

            private bool CanAdd(int symbol) =>
                _count < TwoBitCapacity
                || (_count < OneBitCapacity && !_hasLarge && symbol != LargeDelta)
                || (_count < RunLengthCapacity && _allSame && symbol == _pending[0]);

            // Only called when the open chunk cannot take another symbol, so it holds at least 7.
            private void Emit()
            {
                if (_allSame)
                {
                    _chunks.Add(RunLength());
                    _count = 0;
                }
                else if (_count == OneBitCapacity)
                {
                    _chunks.Add(OneBit());
                    _count = 0;
                }
                else
                {
                    // Mixed and either holding a large delta or about to: the first 7 go as a 2-bit vector, the rest stay open.
                    _chunks.Add(TwoBit(TwoBitCapacity));
                    _count -= TwoBitCapacity;
                    Array.Copy(_pending, TwoBitCapacity, _pending, 0, _count);
                }
                _allSame = true;
                _hasLarge = false;
                for (int i = 0; i < _count; i++)
                {
                    _allSame = _allSame && _pending[i] == _pending[0];
                    _hasLarge = _hasLarge || _pending[i] == LargeDelta;
                }
            }

            private ushort RunLength() => (ushort)(_pending[0] << 13 | _count);

            private ushort OneBit()
            {
                int chunk = 0x8000;
                for (int i = 0; i < _count; i++) chunk |= _pending[i] << (OneBitCapacity - 1 - i);
                return (ushort)chunk;
            }

            private ushort TwoBit(int symbols)
            {
                int chunk = 0xC000;
                for (int i = 0; i < symbols; i++) chunk |= _pending[i] << (2 * (TwoBitCapacity - 1 - i));
                return (ushort)chunk;
            }
        }

        /// <summary>Decodes <see cref="Packets"/> on access, from the chunks and the received packets' arrivals.</summary>
        private sealed class ResultList : IReadOnlyList<TransportPacketResult>
        {
            private readonly TransportLayerCc _packet;

            public ResultList(TransportLayerCc packet)
            {
                _packet = packet;
            }

            public int Count => _packet.PacketStatusCount;

            public TransportPacketResult this[int index]
            {
                get
                {
                    if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
                    var starts = _packet._chunkStarts;
                    // The last chunk starting at or before the index; an empty run shares its start with the next chunk.
                    int low = 0, high = starts.Length - 1;
                    while (low < high)
                    {
                        int middle = (low + high + 1) / 2;
                        if (starts[middle] <= index) low = middle;
                        else high = middle - 1;
                    }
                    ushort chunk = _packet._chunks[low];
                    int within = index - starts[low];
                    var sequence = (ushort)(_packet.BaseSequenceNumber + index);
                    if (Symbol(chunk, within) == NotReceived) return new TransportPacketResult(sequence, false, 0);
                    int rank = _packet._chunkReceived[low];
                    if ((chunk & 0x8000) == 0) rank += within;
                    else
                        for (int i = 0; i < within; i++)
                            if (Symbol(chunk, i) != NotReceived) rank++;
                    return new TransportPacketResult(sequence, true, _packet._arrivals[rank]);
                }
            }

            public IEnumerator<TransportPacketResult> GetEnumerator()
            {
                var cursor = new SymbolCursor(_packet._chunks);
                for (int i = 0, k = 0; i < Count; i++)
                {
                    var sequence = (ushort)(_packet.BaseSequenceNumber + i);
                    yield return cursor.Next() == NotReceived
                        ? new TransportPacketResult(sequence, false, 0)
                        : new TransportPacketResult(sequence, true, _packet._arrivals[k++]);
                }
            }

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
