using System.Buffers.Binary;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// A stream we send, as a sending interceptor tracks it: known by its SSRC, and able to tell new media from a
    /// retransmission, which goes out again under the sequence number it first had.
    /// </summary>
    internal abstract class BoundLocalStream
    {
        private HighestSequence _highest;

        protected BoundLocalStream(RtpStreamInfo info) => Info = info;

        public RtpStreamInfo Info { get; }

        /// <summary>True for a packet past every one sent before it (new media), false for a resend; records it.</summary>
        public bool IsNew(ushort sequence) => _highest.Advance(sequence) > 0;

        /// <summary>The stream the plain RTP packet is sent on, or null (also for anything too short to be RTP).</summary>
        public static T? Find<T>(List<T> streams, System.ReadOnlySpan<byte> packet) where T : BoundLocalStream
        {
            if (packet.Length < RtpHeader.FixedLength) return null;
            return Find(streams, BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(8)));
        }

        /// <summary>The stream with this SSRC, or null.</summary>
        public static T? Find<T>(List<T> streams, uint ssrc) where T : BoundLocalStream
        {
            for (int i = 0; i < streams.Count; i++)
                if (streams[i].Info.Ssrc == ssrc) return streams[i];
            return null;
        }
    }
}
