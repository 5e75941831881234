using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Sender
{
    /// <summary>
    /// Acts on received RTCP for one outgoing media stream: NACKs are answered from the retransmission buffer, and the
    /// latest REMB, reception report and round-trip time are kept. Keyframe requests are the connection's
    /// <see cref="Interceptor.KeyframeRequestInterceptor"/>'s.
    /// </summary>
    public sealed class RtcpFeedbackHandler
    {
        private readonly RetransmissionBuffer? _history;
        private readonly Func<DateTime> _utcNow;

        public RtcpFeedbackHandler(uint mediaSsrc, RetransmissionBuffer? history, Func<DateTime>? utcNow = null)
        {
            MediaSsrc = mediaSsrc;
            _history = history;
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        public uint MediaSsrc { get; }

        public long NacksReceived { get; private set; }

        /// <summary>Compound packets <see cref="HandleCompound"/> dropped as malformed.</summary>
        public long MalformedCompounds { get; private set; }

        /// <summary>The receiver's latest REMB estimate for this stream in bits per second, or null.</summary>
        public ulong? EstimatedBitrate { get; private set; }

        /// <summary>The latest report block about this stream from an SR or RR, or null.</summary>
        public ReceptionReport? LastReceptionReport { get; private set; }

        /// <summary>The round-trip time from the latest report that echoed one of our sender reports, or null.</summary>
        public TimeSpan? LastRoundTripTime { get; private set; }

        /// <summary>Parses an unprotected compound packet and handles it; malformed input is counted and dropped.</summary>
        public bool HandleCompound(ReadOnlySpan<byte> rtcp, IRtpPacketSink retransmitSink)
        {
            List<RtcpPacket> packets;
            try
            {
                packets = RtcpCompoundPacket.Parse(rtcp);
            }
            catch (RtcpFormatException)
            {
                MalformedCompounds++;
                return false;
            }
            Handle(packets, retransmitSink);
            return true;
        }

        /// <param name="retransmitSink">Where resent packets go; typically protects and sends them without re-storing.</param>
        public void Handle(IReadOnlyList<RtcpPacket> packets, IRtpPacketSink retransmitSink)
        {
            foreach (var packet in packets)
            {
                switch (packet)
                {
                    case TransportLayerNack nack when nack.MediaSsrc == MediaSsrc:
                        NacksReceived++;
                        _history?.Retransmit(nack, retransmitSink, LastRoundTripTime);
                        break;
                    case ReceiverEstimatedMaximumBitrate remb when System.Linq.Enumerable.Contains(remb.Ssrcs, MediaSsrc):
                        EstimatedBitrate = remb.Bitrate;
                        break;
                    case ReceiverReport rr:
                        TakeReport(rr.Reports);
                        break;
                    case SenderReport sr:
                        TakeReport(sr.Reports);
                        break;
                }
            }
        }

        private void TakeReport(IReadOnlyList<ReceptionReport> reports)
        {
            foreach (var report in reports)
            {
                if (report.Ssrc != MediaSsrc) continue;
                LastReceptionReport = report;
                LastRoundTripTime = RoundTripTime.FromReport(report, _utcNow()) ?? LastRoundTripTime;
            }
        }
    }
}
