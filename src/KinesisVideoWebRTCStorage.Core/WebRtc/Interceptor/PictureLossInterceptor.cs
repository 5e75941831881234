using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// The receiving half of PLI (pion's intervalpli): while a received video stream cannot be decoded until a keyframe
    /// arrives (before the first one, or after a frame was lost), a PLI asks its sender for one, at most every
    /// <see cref="Interval"/>. Whether a keyframe is needed is the depacketizer's knowledge: the interceptor asks.
    /// </summary>
    public sealed class PictureLossInterceptor : RtpInterceptor
    {
        public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

        private readonly object _gate = new object();
        private readonly List<Stream> _streams = new List<Stream>();
        private readonly Func<uint, bool> _needsKeyframe;
        private volatile bool _anyBound;

        /// <param name="needsKeyframe">Whether the stream our feedback about is sent from (its receiver's SSRC) waits for a keyframe.</param>
        public PictureLossInterceptor(Func<uint, bool> needsKeyframe) => _needsKeyframe = needsKeyframe ?? throw new ArgumentNullException(nameof(needsKeyframe));

        public override void BindRemoteStream(RtpStreamInfo stream)
        {
            if (stream.Kind != MediaTrackKind.Video) return;
            lock (_gate) _streams.Add(new Stream(stream));
            _anyBound = true;
        }

        /// <summary>PLIs sent about the stream our feedback about is sent from.</summary>
        public long PictureLossIndicationsSent(uint feedbackSsrc)
        {
            lock (_gate) return BoundRemoteStream.ByFeedbackSsrc(_streams, feedbackSsrc)?.Sent ?? 0;
        }

        public override void OnRtpReceived(in RtpPacket packet, int length, TimeSpan arrival, List<RtcpPacket> feedback)
        {
            if (!_anyBound) return; // audio only: no lock per packet
            lock (_gate) BoundRemoteStream.Find(_streams, packet.Header);
        }

        public override void OnTick(TimeSpan now, List<RtcpPacket> outgoing)
        {
            lock (_gate)
            {
                foreach (var stream in _streams)
                {
                    if (stream.MediaSsrc is not uint media || (stream.LastSent is TimeSpan last && now - last < Interval)) continue;
                    if (!_needsKeyframe(stream.FeedbackSsrc)) continue;
                    stream.LastSent = now;
                    stream.Sent++;
                    outgoing.Add(new PictureLossIndication(stream.FeedbackSsrc, media));
                }
            }
        }

        private sealed class Stream : BoundRemoteStream
        {
            public Stream(RtpStreamInfo info) : base(info)
            {
            }

            public TimeSpan? LastSent { get; set; }
            public long Sent { get; set; }
        }
    }
}
