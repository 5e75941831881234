using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// A received stream as a receiving interceptor tracks it: bound by the payload types its m-line carries, its source
    /// learned from its first packet (one source per stream, as its receiver takes).
    /// </summary>
    internal abstract class BoundRemoteStream
    {
        protected BoundRemoteStream(RtpStreamInfo info) => Info = info;

        public RtpStreamInfo Info { get; }

        /// <summary>The SSRC our feedback about the stream is sent from (its receiver's).</summary>
        public uint FeedbackSsrc => Info.Ssrc;

        /// <summary>The sender's SSRC, once a packet arrived.</summary>
        public uint? MediaSsrc { get; private set; }

        /// <summary>Whether the packet is this stream's: a payload type it carries, from its source.</summary>
        public bool Claims(in RtpHeader header)
        {
            if (!Info.Carries(header.PayloadType)) return false;
            MediaSsrc ??= header.Ssrc;
            return header.Ssrc == MediaSsrc;
        }

        /// <summary>The stream the packet belongs to, or null; a for loop, so nothing is allocated per packet.</summary>
        public static T? Find<T>(List<T> streams, in RtpHeader header) where T : BoundRemoteStream
        {
            for (int i = 0; i < streams.Count; i++)
                if (streams[i].Claims(header)) return streams[i];
            return null;
        }

        /// <summary>The stream whose feedback is sent from <paramref name="feedbackSsrc"/>, or null.</summary>
        public static T? ByFeedbackSsrc<T>(List<T> streams, uint feedbackSsrc) where T : BoundRemoteStream
        {
            foreach (var stream in streams)
                if (stream.FeedbackSsrc == feedbackSsrc) return stream;
            return null;
        }
    }
}
