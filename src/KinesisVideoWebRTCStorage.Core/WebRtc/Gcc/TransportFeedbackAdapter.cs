using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// The sender's memory of transport-wide sequence numbers: each packet's send time and size as it leaves, so that
    /// feedback naming sequence numbers can be turned into <see cref="PacketResult"/>s. A fixed ring, allocation-free per
    /// packet; feedback about a packet is used once.
    /// </summary>
    public sealed class TransportFeedbackAdapter
    {
        private const int Capacity = 8192; // a power of two, so it divides the 16-bit sequence space

        /// <summary>
        /// The feedback's reference time is 24-bit signed, so a receiver's clock (Chromium's) can read negative: shifted
        /// by half its range, arrivals are never negative, which <see cref="PacketResult"/> keeps for "lost".
        /// </summary>
        private const long ArrivalBias = (1L << 23) * TransportLayerCc.ReferenceTickMicroseconds;

        private readonly long[] _sendTimes = new long[Capacity];
        private readonly int[] _sizes = new int[Capacity];
        private readonly int[] _sequences = new int[Capacity];
        private ushort _next;

        public TransportFeedbackAdapter()
        {
            for (int i = 0; i < Capacity; i++) _sequences[i] = -1;
        }

        /// <summary>Feedback entries about packets no longer (or never) remembered.</summary>
        public long Unknown { get; private set; }

        /// <summary>Packets the feedback reported lost.</summary>
        public long ReportedLost { get; private set; }

        /// <summary>Assigns the next transport-wide sequence number to a packet leaving now.</summary>
        public ushort OnPacketSent(int size, long nowMicroseconds)
        {
            ushort sequence = _next++;
            int slot = sequence & (Capacity - 1);
            _sequences[slot] = sequence;
            _sendTimes[slot] = nowMicroseconds;
            _sizes[slot] = size;
            return sequence;
        }

        /// <summary>Appends a result per remembered packet the feedback covers.</summary>
        public void OnFeedback(TransportLayerCc feedback, List<PacketResult> results)
        {
            foreach (var packet in feedback.Packets)
            {
                int slot = packet.SequenceNumber & (Capacity - 1);
                if (_sequences[slot] != packet.SequenceNumber)
                {
                    Unknown++;
                    continue;
                }
                if (!packet.Received)
                {
                    // A later feedback may still report it received (it was reordered): keep it until then.
                    ReportedLost++;
                    results.Add(new PacketResult(_sendTimes[slot], -1, _sizes[slot]));
                    continue;
                }
                _sequences[slot] = -1;
                results.Add(new PacketResult(_sendTimes[slot], packet.ArrivalMicroseconds + ArrivalBias, _sizes[slot]));
            }
        }
    }
}
