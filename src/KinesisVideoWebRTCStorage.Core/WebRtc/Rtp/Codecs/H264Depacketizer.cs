using System;
using KinesisVideoWebRTCStorage.Media.H264;
using System.Buffers.Binary;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs
{
    /// <summary>Receives one rebuilt Annex-B access unit; the span is valid only during the call.</summary>
    public delegate void H264AccessUnitHandler(ReadOnlySpan<byte> accessUnit, uint timestamp, bool complete);

    /// <summary>
    /// Rebuilds Annex-B access units from RFC 6184 mode-1 payloads (single NAL, STAP-A, FU-A). A unit ends on the marker bit
    /// or a timestamp change. A sequence gap, a broken fragment or a malformed payload taints the unit: tainted units are
    /// dropped and counted unless <see cref="DeliverIncomplete"/> is set, in which case they are delivered flagged.
    /// Padding-only packets carry no media and are skipped; only their sequence numbers count.
    /// Malformed payloads never throw; the unit buffer never grows past <c>maxAccessUnitSize</c>.
    /// </summary>
    public sealed class H264Depacketizer
    {
        private static readonly byte[] StartCode = { 0, 0, 0, 1 };
        private readonly H264AccessUnitHandler _handler;
        private readonly int _maxAccessUnitSize;
        private byte[] _unit = new byte[64 * 1024];
        private int _length;
        private bool _open;
        private bool _tainted;
        private bool _inFragment;
        private uint _timestamp;
        private bool _gapBeforeNextPayload;
        private ReceiveSequenceTracker _sequence;

        public H264Depacketizer(H264AccessUnitHandler handler, int maxAccessUnitSize = 4 * 1024 * 1024)
        {
            _handler = handler ?? throw new ArgumentNullException(nameof(handler));
            if (maxAccessUnitSize < 1024) throw new ArgumentOutOfRangeException(nameof(maxAccessUnitSize));
            _maxAccessUnitSize = maxAccessUnitSize;
        }

        public bool DeliverIncomplete { get; set; }

        public long AccessUnitsDelivered { get; private set; }
        /// <summary>Tainted units: dropped, or delivered flagged when <see cref="DeliverIncomplete"/> is set.</summary>
        public long IncompleteUnits { get; private set; }
        public long LostPackets { get; private set; }
        public long LatePacketsDropped { get; private set; }
        public long MalformedPayloads { get; private set; }

        /// <summary>Packets with padding and no payload, e.g. libwebrtc's bandwidth probes when RTX is not negotiated.</summary>
        public long PaddingOnlyPackets { get; private set; }

        public void Push(in RtpPacket packet)
        {
            var status = _sequence.Advance(packet.Header.SequenceNumber, out int lost);
            if (status == SequenceStatus.Late)
            {
                // Reordering is RtpReorderBuffer's job upstream; here a late packet's unit is already finished or tainted.
                LatePacketsDropped++;
                return;
            }
            LostPackets += lost;
            bool gap = status != SequenceStatus.InOrder;
            if (packet.Payload.IsEmpty && packet.PaddingLength > 0)
            {
                // Chromium sends bursts of these right after a frame's marker, stamped with that frame's timestamp. Taken
                // as payloads they opened a unit of their own and counted as malformed; one stamped with the next frame's
                // timestamp would have tainted that whole frame. A gap before one still counts against the next payload.
                PaddingOnlyPackets++;
                if (gap && _open) _tainted = true;
                _gapBeforeNextPayload |= gap;
                return;
            }
            gap |= _gapBeforeNextPayload;
            _gapBeforeNextPayload = false;

            // Lost packets may have ended the open unit or started this packet's one: both are suspect.
            if (gap && _open) _tainted = true;
            if (_open && packet.Header.Timestamp != _timestamp) Finish();
            if (!_open)
            {
                _open = true;
                _timestamp = packet.Header.Timestamp;
                _tainted = gap;
            }
            Append(packet.Payload);
            if (packet.Header.Marker) Finish();
        }

        /// <summary>Delivers or drops a unit still open, e.g. at the end of a stream.</summary>
        public void Flush()
        {
            if (_open) Finish();
        }

        private void Append(ReadOnlySpan<byte> payload)
        {
            if (payload.IsEmpty)
            {
                Malformed();
                return;
            }
            int type = NalUnitType.Of(payload[0]);
            if (type >= 1 && type <= 23)
            {
                if (_inFragment) Broken();
                WriteNal(payload);
            }
            else if (type == H264PacketType.StapA)
            {
                if (_inFragment) Broken();
                var rest = payload.Slice(1);
                while (rest.Length > 0)
                {
                    if (rest.Length < 2) { Malformed(); return; }
                    int size = BinaryPrimitives.ReadUInt16BigEndian(rest);
                    if (size == 0 || size > rest.Length - 2) { Malformed(); return; }
                    WriteNal(rest.Slice(2, size));
                    rest = rest.Slice(2 + size);
                }
            }
            else if (type == H264PacketType.FuA)
            {
                if (payload.Length < 3) { Malformed(); return; }
                byte header = payload[1];
                bool start = (header & 0x80) != 0, end = (header & 0x40) != 0;
                if (start)
                {
                    if (_inFragment) Broken();
                    if (!Write(StartCode)) return;
                    Span<byte> nalHeader = stackalloc byte[1];
                    nalHeader[0] = (byte)((payload[0] & 0xE0) | (header & 0x1F));
                    if (!Write(nalHeader)) return;
                    _inFragment = true;
                }
                else if (!_inFragment)
                {
                    Broken(); // its start was lost
                    return;
                }
                if (!Write(payload.Slice(2))) return;
                if (end) _inFragment = false;
            }
            else
            {
                Malformed(); // STAP-B, MTAP, FU-B and reserved types are not part of packetization mode 1
            }
        }

        private void WriteNal(ReadOnlySpan<byte> nal)
        {
            if (Write(StartCode)) Write(nal);
        }

        private bool Write(ReadOnlySpan<byte> data)
        {
            if (_length + data.Length > _maxAccessUnitSize)
            {
                Broken();
                return false;
            }
            if (_length + data.Length > _unit.Length)
            {
                var grown = new byte[Math.Min(_maxAccessUnitSize, Math.Max(_unit.Length * 2, _length + data.Length))];
                _unit.AsSpan(0, _length).CopyTo(grown);
                _unit = grown;
            }
            data.CopyTo(_unit.AsSpan(_length));
            _length += data.Length;
            return true;
        }

        private void Malformed()
        {
            MalformedPayloads++;
            Broken();
        }

        private void Broken()
        {
            _tainted = true;
            _inFragment = false;
        }

        private void Finish()
        {
            bool complete = !_tainted && !_inFragment && _length > 0;
            if (complete || (DeliverIncomplete && _length > 0))
            {
                AccessUnitsDelivered++;
                _handler(_unit.AsSpan(0, _length), _timestamp, complete);
            }
            if (!complete) IncompleteUnits++;
            _open = false;
            _tainted = false;
            _inFragment = false;
            _length = 0;
        }
    }
}
