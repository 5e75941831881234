using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// Turns packet results into the inter-group deltas the trendline needs (draft-ietf-rmcat-gcc-02 §5.2): packets sent
    /// within one 5 ms burst form a group, and consecutive groups are compared by their last packet's send and arrival
    /// time. A paced keyframe is many groups; a whole frame sent at once is one.
    /// </summary>
    public sealed class SendGroupDeltas
    {
        private const long BurstMicroseconds = 5_000;

        private Group _current, _previous;
        private bool _hasCurrent, _hasPrevious;

        /// <summary>Takes one received packet (in arrival order); true with the deltas, in milliseconds, when a group completed.</summary>
        public bool TryAdd(in PacketResult packet, out double sendDeltaMs, out double arrivalDeltaMs, out long arrivalMs)
        {
            sendDeltaMs = arrivalDeltaMs = 0;
            arrivalMs = packet.ArrivalMicroseconds / 1000;
            if (!_hasCurrent)
            {
                _current = new Group(packet);
                _hasCurrent = true;
                return false;
            }
            if (packet.SendMicroseconds < _current.FirstSend) return false; // reordered from an older group: ignored, as in libwebrtc
            if (packet.SendMicroseconds - _current.FirstSend <= BurstMicroseconds)
            {
                _current.Add(packet);
                return false;
            }
            bool completed = false;
            if (_hasPrevious)
            {
                sendDeltaMs = (_current.LastSend - _previous.LastSend) / 1000.0;
                arrivalDeltaMs = (_current.LastArrival - _previous.LastArrival) / 1000.0;
                arrivalMs = _current.LastArrival / 1000;
                completed = true;
            }
            _previous = _current;
            _hasPrevious = true;
            _current = new Group(packet);
            return completed;
        }

        private struct Group
        {
            public long FirstSend, LastSend, LastArrival;

            public Group(in PacketResult packet)
            {
                FirstSend = LastSend = packet.SendMicroseconds;
                LastArrival = packet.ArrivalMicroseconds;
            }

            public void Add(in PacketResult packet)
            {
                LastSend = Math.Max(LastSend, packet.SendMicroseconds);
                LastArrival = Math.Max(LastArrival, packet.ArrivalMicroseconds);
            }
        }
    }
}
