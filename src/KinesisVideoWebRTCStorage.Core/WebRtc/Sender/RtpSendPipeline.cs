using System;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Sender
{
    /// <summary>Sends one datagram; <c>buffer[..length]</c> is reused after the call returns.</summary>
    public delegate void DatagramSender(byte[] buffer, int length);

    /// <summary>
    /// What happens to each packet a packetizer emits on one stream: keep a plain copy for NACKs, count it for sender
    /// reports, SRTP-protect it in place and send it (or hand it to a pacer, which does that when the packet's turn comes). <see cref="Retransmissions"/> is the sink for resent packets, which
    /// are protected and sent but neither stored again nor counted as new media. The parts it uses lock for themselves,
    /// so one thread may packetize while another handles RTCP feedback and a timer sends reports; <see cref="DatagramSender"/>
    /// may then be called from any of them.
    /// </summary>
    public sealed class RtpSendPipeline : IRtpPacketSink
    {
        private readonly SrtpSession _srtp;
        private readonly DatagramSender _send;
        private readonly Func<DateTime> _utcNow;
        private readonly byte[] _rtcpBuffer = new byte[1500];
        private readonly IRtpPacketSink? _paced, _pacedResends;

        /// <param name="paced">Where new packets go instead of straight to SRTP and the socket: a pacer lane.</param>
        /// <param name="pacedResends">Where resent packets go likewise.</param>
        public RtpSendPipeline(SrtpSession srtp, DatagramSender send, RetransmissionBuffer history, SenderReportGenerator reports,
            Func<DateTime>? utcNow = null, IRtpPacketSink? paced = null, IRtpPacketSink? pacedResends = null)
        {
            _srtp = srtp ?? throw new ArgumentNullException(nameof(srtp));
            _send = send ?? throw new ArgumentNullException(nameof(send));
            History = history ?? throw new ArgumentNullException(nameof(history));
            Reports = reports ?? throw new ArgumentNullException(nameof(reports));
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
            _paced = paced;
            _pacedResends = pacedResends;
            Retransmissions = new RetransmitSink(this);
        }

        public RetransmissionBuffer History { get; }
        public SenderReportGenerator Reports { get; }
        public IRtpPacketSink Retransmissions { get; }

        public void OnRtpPacket(byte[] buffer, int length)
        {
            var packet = RtpPacket.Parse(buffer.AsSpan(0, length));
            History.Store(buffer.AsSpan(0, length));
            Reports.OnPacketSent(packet.Header.Timestamp, packet.Payload.Length, _utcNow());
            if (_paced != null) _paced.OnRtpPacket(buffer, length);
            else _send(buffer, _srtp.ProtectRtp(buffer, length));
        }

        /// <summary>Protects and sends an RTCP compound written to <c>buffer[..length]</c> (with SRTCP trailer room after it).</summary>
        public void SendRtcp(byte[] buffer, int length) => _send(buffer, _srtp.ProtectRtcp(buffer, length));

        /// <summary>
        /// When <see cref="SenderReportGenerator.IsDue"/>, sends the compound SR + SDES CNAME (RFC 3550 §6.1) and returns
        /// true. Call it from a timer every few hundred milliseconds; it allocates only when a report goes out.
        /// </summary>
        public bool SendSenderReportIfDue(string cname)
        {
            var now = _utcNow();
            if (!Reports.IsDue(now)) return false;
            var compound = new RtcpPacket[] { Reports.CreateReport(now), SourceDescription.ForCName(Reports.Ssrc, cname) };
            lock (_rtcpBuffer)
            {
                SendRtcp(_rtcpBuffer, RtcpCompoundPacket.Write(_rtcpBuffer.AsSpan(0, _rtcpBuffer.Length - SrtpProtectionProfiles.MaxTrailerLength), compound));
            }
            return true;
        }

        private sealed class RetransmitSink : IRtpPacketSink
        {
            private readonly RtpSendPipeline _owner;

            public RetransmitSink(RtpSendPipeline owner) => _owner = owner;

            public void OnRtpPacket(byte[] buffer, int length)
            {
                if (_owner._pacedResends != null) _owner._pacedResends.OnRtpPacket(buffer, length);
                else _owner._send(buffer, _owner._srtp.ProtectRtp(buffer, length));
            }
        }
    }
}
