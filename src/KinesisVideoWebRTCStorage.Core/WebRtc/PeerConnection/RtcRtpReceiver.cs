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
    /// (the connection's <see cref="Interceptor.NackGeneratorInterceptor"/> asks for the missing ones); while no
    /// decodable keyframe has arrived, or after a frame was lost, <see cref="NeedsKeyframe"/> says so, and the
    /// connection's <see cref="Interceptor.PictureLossInterceptor"/> asks the sender for one.
    /// </summary>
    public sealed class RtcRtpReceiver
    {
        private readonly object _lock = new object();
        private readonly RtpReorderBuffer _reorder;
        private readonly H264Depacketizer? _h264;
        private readonly OpusDepacketizer? _opus;
        private readonly Func<TimeSpan> _sinceConnectionStart;
        private long _extendedTimestamp, _firstExtendedTimestamp;
        private uint _lastRtpTimestamp;
        private bool _timestampStarted;
        private TimeSpan _firstArrival;
        private bool _needKeyframe = true, _keyframeRequested;

        internal RtcRtpReceiver(MediaTrackKind kind, Random random, Func<TimeSpan> sinceConnectionStart)
        {
            Kind = kind;
            LocalSsrc = (uint)random.Next(1, int.MaxValue);
            ClockRate = kind == MediaTrackKind.Video ? H264Packetizer.ClockRate : OpusPacketizer.ClockRate;
            _sinceConnectionStart = sinceConnectionStart;
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

        /// <summary>Frames dropped because a packet of theirs never arrived, or because no keyframe preceded them.</summary>
        public long FramesDropped { get; private set; }

        /// <summary>
        /// Whether the sender should be asked for a keyframe: video cannot be decoded until one arrives (none has yet, or
        /// a frame since was lost), or one was requested.
        /// </summary>
        internal bool NeedsKeyframe
        {
            get
            {
                lock (_lock) return Kind == MediaTrackKind.Video && (_needKeyframe || _keyframeRequested);
            }
        }

        /// <summary>
        /// Asks the sender for a keyframe (PLI, at most one a second) without dropping the frames before it: a forwarder
        /// does this when a new viewer joins or one of its viewers lost a picture.
        /// </summary>
        public void RequestKeyframe()
        {
            lock (_lock) _keyframeRequested = Kind == MediaTrackKind.Video;
        }

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
                _reorder.Push(packet);
            }
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
            if (keyFrame) _keyframeRequested = false;
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

        /// <summary>An RTCP BYE for this stream ends it.</summary>
        internal void OnRtcp(RtcpPacket packet)
        {
            lock (_lock)
            {
                if (!(packet is Goodbye bye) || !RemoteSsrc.HasValue || !bye.Sources.Contains(RemoteSsrc.Value)) return;
                _reorder.Flush();
            }
            Ended?.Invoke(this);
        }

        /// <summary>Releases what the reorder buffer still holds, for the end of the stream.</summary>
        internal void Flush()
        {
            lock (_lock) _reorder.Flush();
        }

        /// <param name="packetsLost">Packets the connection's receiver reports count lost on this stream.</param>
        /// <param name="nacksSent">NACKs the connection's generator sent about this stream.</param>
        /// <param name="pictureLossIndicationsSent">PLIs the connection's generator sent about it.</param>
        internal RtcInboundRtpStats Stats(long packetsLost, long nacksSent, long pictureLossIndicationsSent) => new RtcInboundRtpStats(Kind, RemoteSsrc, Mid,
            PacketsReceived, BytesReceived, packetsLost, FramesReceived, KeyFramesReceived, FramesDropped, nacksSent, pictureLossIndicationsSent);
    }
}
