using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// One RTP/RTCP feedback or congestion-control mechanism, after pion/interceptor: it binds to the streams the
    /// connection negotiates, sees every RTP packet as it leaves and as it arrives and every RTCP packet received, and
    /// adds RTCP of its own on the connection's RTCP tick. <see cref="InterceptorChain"/> composes them; each stays small
    /// and is tested alone. Hooks may be called from the sending, receiving and timer threads at once: an interceptor
    /// guards its own state.
    /// </summary>
    public abstract class RtpInterceptor
    {
        /// <summary>A stream we send was negotiated.</summary>
        public virtual void BindLocalStream(RtpStreamInfo stream)
        {
        }

        /// <summary>A stream we receive was negotiated.</summary>
        public virtual void BindRemoteStream(RtpStreamInfo stream)
        {
        }

        /// <summary>A plain RTP packet (before SRTP) leaves now; it may be rewritten in place, its length kept.</summary>
        public virtual void OnRtpSending(Span<byte> packet, TimeSpan now)
        {
        }

        /// <summary>
        /// A decrypted RTP packet arrived at <paramref name="arrival"/> on the connection's clock; RTCP added to
        /// <paramref name="feedback"/> is sent at once, in one compound.
        /// </summary>
        public virtual void OnRtpReceived(in RtpPacket packet, int length, TimeSpan arrival, List<RtcpPacket> feedback)
        {
        }

        /// <summary>A decrypted RTCP compound arrived.</summary>
        public virtual void OnRtcpReceived(IReadOnlyList<RtcpPacket> packets, TimeSpan now)
        {
        }

        /// <summary>The connection's RTCP tick: anything added to <paramref name="outgoing"/> is sent as its own packet.</summary>
        public virtual void OnTick(TimeSpan now, List<RtcpPacket> outgoing)
        {
        }
    }
}
