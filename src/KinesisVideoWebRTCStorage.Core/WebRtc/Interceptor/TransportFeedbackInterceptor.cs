using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// The receiving half of transport-wide congestion control (pion's twcc.SenderInterceptor, libwebrtc's
    /// RemoteEstimatorProxy): it notes when each transport-wide sequence number arrived and, on every RTCP tick, tells
    /// the sender in transport-cc feedback, so the sender can estimate the path's queueing delay.
    /// </summary>
    public sealed class TransportFeedbackInterceptor : RtpInterceptor
    {
        /// <summary>Arrivals held between ticks; older unreported ones are given up as lost when newer ones push past.</summary>
        public const int Window = 4096;

        private readonly object _gate = new object();
        private readonly long[] _arrivals = new long[Window];
        private readonly SequenceUnwrapper _unwrapper = new SequenceUnwrapper();
        private readonly List<long> _pending = new List<long>();
        private int _extensionId;
        private uint _senderSsrc, _mediaSsrc;
        private long _base = -1, _highest = -1;
        private byte _feedbackCount;

        public TransportFeedbackInterceptor()
        {
            for (int i = 0; i < Window; i++) _arrivals[i] = -1;
        }

        public override void BindRemoteStream(RtpStreamInfo stream)
        {
            if (stream.TransportSequenceExtensionId == 0 || !stream.HasFeedback("transport-cc")) return;
            lock (_gate)
            {
                _extensionId = stream.TransportSequenceExtensionId;
                if (_senderSsrc == 0) _senderSsrc = stream.Ssrc;
            }
        }

        public override void OnRtpReceived(in RtpPacket packet, int length, TimeSpan arrival, List<RtcpPacket> feedback)
        {
            lock (_gate)
            {
                if (_extensionId == 0 || !TransportSequenceNumber.TryRead(packet, _extensionId, out ushort sequence)) return;
                if (_mediaSsrc == 0) _mediaSsrc = packet.Header.Ssrc;
                long unwrapped = _unwrapper.Unwrap(sequence);
                if (_base < 0) _base = unwrapped;
                if (unwrapped < _base) return; // already reported as lost; too late to matter
                while (unwrapped - _base >= Window) _arrivals[_base++ & (Window - 1)] = -1; // what falls out of the window is never reported
                if (unwrapped > _highest) _highest = unwrapped;
                _arrivals[unwrapped & (Window - 1)] = Math.Max(arrival.Ticks / 10, 0);
            }
        }

        public override void OnTick(TimeSpan now, List<RtcpPacket> outgoing)
        {
            lock (_gate)
            {
                if (_base < 0 || _highest < _base) return;
                // Feedback starts at a received packet; the lost ones before it were the previous feedback's tail.
                while (_base <= _highest && _arrivals[_base & (Window - 1)] < 0) _base++;
                while (_base <= _highest)
                {
                    _pending.Clear();
                    for (long sequence = _base; sequence <= _highest; sequence++) _pending.Add(_arrivals[sequence & (Window - 1)]);
                    var feedback = TransportLayerCc.Create(_senderSsrc, _mediaSsrc, _feedbackCount++, (ushort)_base, _pending);
                    outgoing.Add(feedback);
                    for (int i = 0; i < feedback.PacketStatusCount; i++) _arrivals[(_base + i) & (Window - 1)] = -1;
                    _base += feedback.PacketStatusCount;
                    while (_base <= _highest && _arrivals[_base & (Window - 1)] < 0) _base++;
                }
            }
        }
    }
}
