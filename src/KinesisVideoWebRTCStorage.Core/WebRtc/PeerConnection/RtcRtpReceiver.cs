using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.H264;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>A received frame: an H.264 access unit in Annex-B or one Opus packet; the span is valid only during the call.</summary>
    public delegate void RtcFrameHandler(RtcRtpReceiver receiver, ReadOnlySpan<byte> payload, TimeSpan timestamp, bool isKeyFrame);

    /// <summary>
    /// The receiving half of a recvonly transceiver: SRTP-decrypted RTP in, frames out. Packets are put back in order
    /// (the connection's <see cref="Interceptor.NackGeneratorInterceptor"/> asks for the missing ones), and while no
    /// decodable keyframe has arrived, or after a frame was lost, a PLI asks the sender for one.
    /// </summary>
    public sealed class RtcRtpReceiver
    {
        private static readonly TimeSpan PliInterval = TimeSpan.FromMilliseconds(300);

        private readonly object _lock = new object();
        private readonly RtpReorderBuffer _reorder;
        private readonly H264Depacketizer? _h264;
        private readonly OpusDepacketizer? _opus;
        private readonly Func<TimeSpan> _sinceConnectionStart;
        private readonly InterarrivalJitter _jitter;
        private int _highestSequence = -1;
        private long _cycles, _firstExtendedSequence = -1;
        private long _extendedTimestamp, _firstExtendedTimestamp;
        private uint _lastRtpTimestamp;
        private bool _timestampStarted;
        private TimeSpan _firstArrival;
        private bool _needKeyframe = true;
        private DateTime _lastPli = DateTime.MinValue;
        private ulong _lastSenderReportNtp;
        private DateTime _lastSenderReportArrival;
        private long _lostAtLastReport, _expectedAtLastReport;

        internal RtcRtpReceiver(MediaTrackKind kind, Random random, Func<TimeSpan> sinceConnectionStart)
        {
            Kind = kind;
            LocalSsrc = (uint)random.Next(1, int.MaxValue);
            ClockRate = kind == MediaTrackKind.Video ? H264Packetizer.ClockRate : OpusPacketizer.ClockRate;
            _sinceConnectionStart = sinceConnectionStart;
            _jitter = new InterarrivalJitter(ClockRate);
            _reorder = new RtpReorderBuffer(Release, kind == MediaTrackKind.Video ? 128 : 32);
            if (kind == MediaTrackKind.Video) _h264 = new H264Depacketizer(OnAccessUnit);
            else _opus = new OpusDepacketizer(OnOpusPacket);
        }

        public MediaTrackKind Kind { get; }
        public int ClockRate { get; }

        /// <summary>The SSRC our RTCP feedback is sent from.</summary>
        public uint LocalSsrc { get; }

        /// <summary>The sender's SSRC, learned from its first packet.</summary>
        public uint? RemoteSsrc { get; private set; }

        /// <summary>Payload types the offer bound to this transceiver.</summary>
        public IReadOnlyCollection<int> PayloadTypes { get; internal set; } = Array.Empty<int>();

        public string? Mid { get; internal set; }

        /// <summary>
        /// Raised on a network thread for every complete frame, timestamped on the connection's clock (the first packet
        /// of any track is near zero), so audio and video of one connection line up.
        /// </summary>
        public event RtcFrameHandler? FrameReceived;

        /// <summary>Raised when the sender says RTCP BYE for this stream.</summary>
        public event Action<RtcRtpReceiver>? Ended;

        public long PacketsReceived { get; private set; }
        public long BytesReceived { get; private set; }
        public long FramesReceived { get; private set; }
        public long KeyFramesReceived { get; private set; }
        public long PictureLossIndicationsSent { get; private set; }

        /// <summary>Frames dropped because a packet of theirs never arrived, or because no keyframe preceded them.</summary>
        public long FramesDropped { get; private set; }

        /// <summary>Packets expected (from the sequence numbers) but never received (RFC 3550 A.3).</summary>
        public long PacketsLost
        {
            get
            {
                lock (_lock) return _firstExtendedSequence < 0 ? 0 : Math.Max(0, ExpectedLocked - PacketsReceived);
            }
        }

        private long ExpectedLocked => _cycles + _highestSequence - _firstExtendedSequence + 1;

        /// <summary>Takes one decrypted RTP packet.</summary>
        internal void OnRtp(ReadOnlySpan<byte> packet)
        {
            if (!RtpPacket.TryParse(packet, out var parsed)) return;
            lock (_lock)
            {
                RemoteSsrc ??= parsed.Header.Ssrc;
                if (parsed.Header.Ssrc != RemoteSsrc) return; // one stream per transceiver; a second source is not ours
                PacketsReceived++;
                BytesReceived += parsed.Payload.Length;
                // Jitter from new packets only: a retransmission's spacing says nothing about the path's queue.
                if (TrackSequence(parsed.Header.SequenceNumber)) _jitter.OnPacket(parsed.Header.Timestamp, _sinceConnectionStart());
                _reorder.Push(packet);
            }
        }

        /// <summary>Updates the highest sequence number; true for a packet past it.</summary>
        private bool TrackSequence(ushort sequence)
        {
            if (_highestSequence < 0)
            {
                _highestSequence = sequence;
                _firstExtendedSequence = sequence;
                return true;
            }
            if (SequenceNumber.Distance((ushort)_highestSequence, sequence) <= 0) return false; // a retransmission or a late packet
            if (sequence < _highestSequence) _cycles += 1 << 16;
            _highestSequence = sequence;
            return true;
        }

        private void Release(ReadOnlySpan<byte> packet)
        {
            var parsed = RtpPacket.Parse(packet);
            if (_h264 != null) _h264.Push(parsed);
            else _opus!.Push(parsed);
        }

        private TimeSpan Timestamp(uint rtpTimestamp)
        {
            if (!_timestampStarted)
            {
                _timestampStarted = true;
                _lastRtpTimestamp = rtpTimestamp;
                _extendedTimestamp = _firstExtendedTimestamp = rtpTimestamp;
                _firstArrival = _sinceConnectionStart();
            }
            _extendedTimestamp += (int)(rtpTimestamp - _lastRtpTimestamp);
            _lastRtpTimestamp = rtpTimestamp;
            return _firstArrival + TimeSpan.FromTicks((_extendedTimestamp - _firstExtendedTimestamp) * TimeSpan.TicksPerSecond / ClockRate);
        }

        private void OnAccessUnit(ReadOnlySpan<byte> accessUnit, uint rtpTimestamp, bool complete)
        {
            var timestamp = Timestamp(rtpTimestamp);
            bool keyFrame = ContainsIdr(accessUnit);
            if (!complete || (_needKeyframe && !keyFrame))
            {
                // A frame with a hole, or one that references pictures we never got, cannot be decoded; wait for an IDR.
                FramesDropped++;
                _needKeyframe = true;
                return;
            }
            _needKeyframe = false;
            FramesReceived++;
            if (keyFrame) KeyFramesReceived++;
            FrameReceived?.Invoke(this, accessUnit, timestamp, keyFrame);
        }

        private void OnOpusPacket(ReadOnlySpan<byte> packet, uint rtpTimestamp)
        {
            var timestamp = Timestamp(rtpTimestamp);
            FramesReceived++;
            FrameReceived?.Invoke(this, packet, timestamp, true);
        }

        private static bool ContainsIdr(ReadOnlySpan<byte> accessUnit)
        {
            var rest = accessUnit;
            while (AnnexB.TryReadNal(ref rest, out var nal))
                if (nal.Length > 0 && NalUnitType.Of(nal[0]) == NalUnitType.IdrSlice) return true;
            return false;
        }

        /// <summary>Periodic feedback: the reception report, and a PLI while a keyframe is needed.</summary>
        internal void OnRtcpTick(DateTime utcNow, List<RtcpPacket> feedback, List<ReceptionReport> reports)
        {
            lock (_lock)
            {
                if (!RemoteSsrc.HasValue) return;
                reports.Add(ReportLocked(utcNow));
                if (Kind == MediaTrackKind.Video && _needKeyframe && utcNow - _lastPli >= PliInterval)
                {
                    _lastPli = utcNow;
                    feedback.Add(new PictureLossIndication(LocalSsrc, RemoteSsrc.Value));
                    PictureLossIndicationsSent++;
                }
            }
        }

        private ReceptionReport ReportLocked(DateTime utcNow)
        {
            long expected = ExpectedLocked, lost = Math.Max(0, expected - PacketsReceived);
            long expectedInterval = expected - _expectedAtLastReport, lostInterval = lost - _lostAtLastReport;
            _expectedAtLastReport = expected;
            _lostAtLastReport = lost;
            byte fraction = expectedInterval <= 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
            uint lastSr = (uint)(_lastSenderReportNtp >> 16);
            uint delay = _lastSenderReportNtp == 0 ? 0 : (uint)((utcNow - _lastSenderReportArrival).TotalSeconds * 65536);
            return new ReceptionReport(RemoteSsrc!.Value, fraction, (int)Math.Min(lost, 0x7FFFFF), (uint)(_cycles + _highestSequence), _jitter.Value, lastSr, delay);
        }

        internal void OnRtcp(RtcpPacket packet, DateTime utcNow)
        {
            lock (_lock)
            {
                switch (packet)
                {
                    case SenderReport sr when sr.Ssrc == RemoteSsrc:
                        _lastSenderReportNtp = sr.NtpTimestamp;
                        _lastSenderReportArrival = utcNow;
                        break;
                    case Goodbye bye when RemoteSsrc.HasValue && bye.Sources.Contains(RemoteSsrc.Value):
                        _reorder.Flush();
                        break;
                    default:
                        return;
                }
            }
            if (packet is Goodbye) Ended?.Invoke(this);
        }

        /// <summary>Releases what the reorder buffer still holds, for the end of the stream.</summary>
        internal void Flush()
        {
            lock (_lock) _reorder.Flush();
        }

        /// <param name="nacksSent">NACKs the connection's generator sent about this stream.</param>
        internal RtcInboundRtpStats Stats(long nacksSent) => new RtcInboundRtpStats(Kind, RemoteSsrc, Mid, PacketsReceived, BytesReceived, PacketsLost,
            FramesReceived, KeyFramesReceived, FramesDropped, nacksSent, PictureLossIndicationsSent);
    }
}
