using System;
using KinesisVideoWebRTCStorage.Media.H264;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs
{
    /// <summary>
    /// H.264 RTP packetization mode 1 (RFC 6184): SPS/PPS runs aggregated into one STAP-A, NAL units that fit sent as
    /// single-NAL packets, larger ones split into FU-A fragments; the marker bit on the access unit's last packet.
    /// Writes into the emitter's reused buffer, so steady-state packetization allocates nothing.
    /// Encoders often emit SPS and PPS only once; with <see cref="RepeatParameterSets"/> the latest ones are re-sent in
    /// front of every IDR that lacks them, so a receiver that joins late or asked for a keyframe can decode it.
    /// </summary>
    public sealed class H264Packetizer
    {
        public const int ClockRate = 90_000;
        private const int FuHeaderLength = 2;
        private const int StapHeaderLength = 1;
        private const int StapSizeLength = 2;

        private readonly RtpPacketEmitter _emitter;
        private readonly byte[] _sps;
        private readonly byte[] _pps;
        private int _spsLength;
        private int _ppsLength;

        public H264Packetizer(uint ssrc, byte payloadType, ushort initialSequenceNumber, int maxPayloadSize = 1200,
            int transportSequenceExtensionId = 0)
        {
            _emitter = new RtpPacketEmitter(ssrc, payloadType, initialSequenceNumber, maxPayloadSize, transportSequenceExtensionId);
            _sps = new byte[maxPayloadSize];
            _pps = new byte[maxPayloadSize];
        }

        public RtpPacketEmitter Emitter => _emitter;

        public bool RepeatParameterSets { get; set; } = true;

        /// <summary>Packetizes one Annex-B access unit at <paramref name="timestamp"/> (90 kHz); returns the packets emitted.</summary>
        public int Packetize(ReadOnlySpan<byte> accessUnit, uint timestamp, IRtpPacketSink sink)
        {
            var remaining = accessUnit;
            int packets = 0;
            if (!TryReadUseful(ref remaining, out var nal)) return 0;
            int stapLength = 0, stapCount = 0;
            bool parameterSetsSent = false;
            while (true)
            {
                bool hasNext = TryReadUseful(ref remaining, out var next);
                bool last = !hasNext;
                if (IsAggregatable(nal))
                {
                    Remember(nal);
                    parameterSetsSent = true;
                }
                else if (NalUnitType.Of(nal[0]) == NalUnitType.IdrSlice && !parameterSetsSent && RepeatParameterSets)
                {
                    packets += EmitRememberedParameterSets(timestamp, sink);
                    parameterSetsSent = true;
                }

                if (IsAggregatable(nal) && StapFits(0, nal.Length))
                {
                    if (stapCount == 0) stapLength = StapHeaderLength;
                    AppendToStap(nal, ref stapLength);
                    stapCount++;
                    if (!hasNext || !IsAggregatable(next) || !StapFits(stapLength, next.Length))
                    {
                        EmitStap(stapCount, stapLength, timestamp, last, sink);
                        packets++;
                        stapCount = 0;
                    }
                }
                else if (nal.Length <= _emitter.MaxPayloadSize)
                {
                    nal.CopyTo(_emitter.Payload);
                    _emitter.Emit(nal.Length, timestamp, last, sink);
                    packets++;
                }
                else
                {
                    packets += EmitFragments(nal, timestamp, last, sink);
                }
                if (!hasNext) return packets;
                nal = next;
            }
        }

        /// <summary>Units skipped because their type cannot travel in mode 1 (0, 24–31); delimiters and filler are not counted.</summary>
        public long InvalidNalUnitsDropped { get; private set; }

        private bool TryReadUseful(ref ReadOnlySpan<byte> remaining, out ReadOnlySpan<byte> nal)
        {
            while (AnnexB.TryReadNal(ref remaining, out nal))
            {
                int type = NalUnitType.Of(nal[0]);
                // Delimiters and filler carry nothing a WebRTC receiver needs (RFC 6184 §5.1 lets senders drop them).
                if (type == NalUnitType.AccessUnitDelimiter || type == NalUnitType.Filler) continue;
                // Types 0 and 24-31 are unspecified in H.264 and mean STAP/MTAP/FU to an RTP receiver: never send them raw.
                if (type == 0 || type >= H264PacketType.StapA)
                {
                    InvalidNalUnitsDropped++;
                    continue;
                }
                return true;
            }
            return false;
        }

        private static bool IsAggregatable(ReadOnlySpan<byte> nal)
        {
            int type = NalUnitType.Of(nal[0]);
            return type == NalUnitType.Sps || type == NalUnitType.Pps;
        }

        /// <summary>Keeps a copy of an SPS or PPS for <see cref="RepeatParameterSets"/>.</summary>
        private void Remember(ReadOnlySpan<byte> nal)
        {
            if (nal.Length > _sps.Length) return; // would need fragmenting; such streams must carry their own
            bool sps = NalUnitType.Of(nal[0]) == NalUnitType.Sps;
            nal.CopyTo(sps ? _sps : _pps);
            if (sps) _spsLength = nal.Length;
            else _ppsLength = nal.Length;
        }

        private int EmitRememberedParameterSets(uint timestamp, IRtpPacketSink sink)
        {
            if (_spsLength == 0 || _ppsLength == 0) return 0;
            var sps = _sps.AsSpan(0, _spsLength);
            var pps = _pps.AsSpan(0, _ppsLength);
            if (StapFits(StapHeaderLength + StapSizeLength + sps.Length, pps.Length))
            {
                int length = StapHeaderLength;
                AppendToStap(sps, ref length);
                AppendToStap(pps, ref length);
                EmitStap(2, length, timestamp, false, sink);
                return 1;
            }
            sps.CopyTo(_emitter.Payload);
            _emitter.Emit(sps.Length, timestamp, false, sink);
            pps.CopyTo(_emitter.Payload);
            _emitter.Emit(pps.Length, timestamp, false, sink);
            return 2;
        }

        private bool StapFits(int stapLength, int nalLength) =>
            (stapLength == 0 ? StapHeaderLength : stapLength) + StapSizeLength + nalLength <= _emitter.MaxPayloadSize;

        private void AppendToStap(ReadOnlySpan<byte> nal, ref int stapLength)
        {
            var payload = _emitter.Payload;
            BinaryPrimitives.WriteUInt16BigEndian(payload.Slice(stapLength), (ushort)nal.Length);
            nal.CopyTo(payload.Slice(stapLength + StapSizeLength));
            // STAP-A header: F is the OR and NRI the maximum of the aggregated units' (RFC 6184 §5.7.1).
            byte header = stapLength == StapHeaderLength ? (byte)H264PacketType.StapA : payload[0];
            payload[0] = (byte)((header & 0x80) | (nal[0] & 0x80) | Math.Max(header & 0x60, nal[0] & 0x60) | H264PacketType.StapA);
            stapLength += StapSizeLength + nal.Length;
        }

        private void EmitStap(int count, int length, uint timestamp, bool marker, IRtpPacketSink sink)
        {
            var payload = _emitter.Payload;
            if (count == 1)
            {
                // A lone unit goes out as a single-NAL packet: the aggregation header would be pure overhead.
                int nalLength = length - StapHeaderLength - StapSizeLength;
                payload.Slice(StapHeaderLength + StapSizeLength, nalLength).CopyTo(payload);
                length = nalLength;
            }
            _emitter.Emit(length, timestamp, marker, sink);
        }

        private int EmitFragments(ReadOnlySpan<byte> nal, uint timestamp, bool lastNal, IRtpPacketSink sink)
        {
            byte indicator = (byte)((nal[0] & 0xE0) | H264PacketType.FuA);
            byte type = (byte)NalUnitType.Of(nal[0]);
            var data = nal.Slice(1);
            int budget = _emitter.MaxPayloadSize - FuHeaderLength;
            // Equal-sized fragments rather than full ones plus a runt: same packet count, steadier pacing.
            int fragments = (data.Length + budget - 1) / budget;
            int size = (data.Length + fragments - 1) / fragments;
            var payload = _emitter.Payload;
            for (int i = 0; i < fragments; i++)
            {
                var chunk = data.Slice(i * size, Math.Min(size, data.Length - i * size));
                bool end = i == fragments - 1;
                payload[0] = indicator;
                payload[1] = (byte)((i == 0 ? 0x80 : 0) | (end ? 0x40 : 0) | type);
                chunk.CopyTo(payload.Slice(FuHeaderLength));
                _emitter.Emit(FuHeaderLength + chunk.Length, timestamp, lastNal && end, sink);
            }
            return fragments;
        }
    }
}
