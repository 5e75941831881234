using System;
using System.Collections.Generic;
using System.Buffers.Binary;
using KinesisVideoWebRTCStorage.WebRtc.Gcc;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// The sending half of transport-wide congestion control (pion's twcc.HeaderExtensionInterceptor): every packet of a
    /// stream that negotiated the extension gets the next transport-wide sequence number as it leaves (resends get a
    /// new one too), and its send time and size are remembered to read the receiver's feedback against.
    /// </summary>
    public sealed class TransportSequenceInterceptor : RtpInterceptor
    {
        private readonly object _gate = new object();
        private readonly TransportFeedbackAdapter _history = new TransportFeedbackAdapter();
        private readonly Dictionary<uint, int> _extensionIds = new Dictionary<uint, int>();

        /// <summary>Packets stamped.</summary>
        public long PacketsStamped { get; private set; }

        public override void BindLocalStream(RtpStreamInfo stream)
        {
            if (stream.TransportSequenceExtensionId == 0) return;
            lock (_gate) _extensionIds[stream.Ssrc] = stream.TransportSequenceExtensionId;
        }

        public override void OnRtpSending(Span<byte> packet, TimeSpan now)
        {
            if (packet.Length < RtpHeader.FixedLength) return;
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(8));
            lock (_gate)
            {
                if (!_extensionIds.TryGetValue(ssrc, out int id)) return;
                ushort sequence = _history.OnPacketSent(packet.Length, now.Ticks / 10);
                if (TransportSequenceNumber.TryWrite(packet, id, sequence)) PacketsStamped++;
            }
        }

        /// <summary>Turns feedback into results for the packets it names that we remember.</summary>
        internal void Resolve(TransportLayerCc feedback, List<PacketResult> results)
        {
            lock (_gate) _history.OnFeedback(feedback, results);
        }
    }
}
