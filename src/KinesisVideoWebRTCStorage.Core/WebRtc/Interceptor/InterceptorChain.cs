using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>Interceptors called in the order they were added (pion's interceptor.Chain).</summary>
    public sealed class InterceptorChain : RtpInterceptor
    {
        private readonly RtpInterceptor[] _interceptors;

        public InterceptorChain(IEnumerable<RtpInterceptor> interceptors) => _interceptors = new List<RtpInterceptor>(interceptors).ToArray();

        public override void BindLocalStream(RtpStreamInfo stream)
        {
            foreach (var interceptor in _interceptors) interceptor.BindLocalStream(stream);
        }

        public override void BindRemoteStream(RtpStreamInfo stream)
        {
            foreach (var interceptor in _interceptors) interceptor.BindRemoteStream(stream);
        }

        public override void OnRtpSending(Span<byte> packet, TimeSpan now)
        {
            foreach (var interceptor in _interceptors) interceptor.OnRtpSending(packet, now);
        }

        public override void OnRtpReceived(in RtpPacket packet, int length, TimeSpan arrival, List<RtcpPacket> feedback)
        {
            foreach (var interceptor in _interceptors) interceptor.OnRtpReceived(packet, length, arrival, feedback);
        }

        public override void OnRtcpReceived(IReadOnlyList<RtcpPacket> packets, TimeSpan now)
        {
            foreach (var interceptor in _interceptors) interceptor.OnRtcpReceived(packets, now);
        }

        public override void OnTick(TimeSpan now, List<RtcpPacket> outgoing)
        {
            foreach (var interceptor in _interceptors) interceptor.OnTick(now, outgoing);
        }
    }
}
