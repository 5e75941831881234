using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Sender;

namespace KinesisVideoWebRTCStorage.WebRtc.Interceptor
{
    /// <summary>
    /// The sending half of PLI and FIR (RFC 4585 §6.3.1, RFC 5104 §4.3.1): a PLI or a new FIR naming one of our streams
    /// raises <see cref="KeyframeRequested"/> with that stream's SSRC. A FIR repeating the sequence number of the last one
    /// is a retransmission of a request already served, and is not raised again.
    /// </summary>
    public sealed class KeyframeRequestInterceptor : RtpInterceptor
    {
        private readonly object _gate = new object();
        private readonly Dictionary<uint, Stream> _streams = new Dictionary<uint, Stream>();

        /// <summary>Raised on the receiving thread, outside the interceptor's lock, with the SSRC of the stream asked for.</summary>
        public event Action<uint, KeyframeRequestedEventArgs>? KeyframeRequested;

        public override void BindLocalStream(RtpStreamInfo stream)
        {
            lock (_gate) _streams[stream.Ssrc] = new Stream();
        }

        /// <summary>Requests raised for one of our streams.</summary>
        public long Requests(uint ssrc)
        {
            lock (_gate) return _streams.TryGetValue(ssrc, out var stream) ? stream.Requests : 0;
        }

        public override void OnRtcpReceived(IReadOnlyList<RtcpPacket> packets, TimeSpan now)
        {
            List<(uint Ssrc, KeyframeRequestedEventArgs Request)>? raised = null;
            lock (_gate)
            {
                foreach (var packet in packets)
                {
                    switch (packet)
                    {
                        case PictureLossIndication pli when _streams.TryGetValue(pli.MediaSsrc, out var stream):
                            Raise(ref raised, pli.MediaSsrc, stream, KeyframeRequestKind.PictureLossIndication, pli.SenderSsrc);
                            break;
                        case FullIntraRequest fir:
                            foreach (var entry in fir.Entries)
                            {
                                if (!_streams.TryGetValue(entry.Ssrc, out var asked) || entry.SequenceNumber == asked.LastFirSequence) continue;
                                asked.LastFirSequence = entry.SequenceNumber;
                                Raise(ref raised, entry.Ssrc, asked, KeyframeRequestKind.FullIntraRequest, fir.SenderSsrc);
                            }
                            break;
                    }
                }
            }
            if (raised == null) return;
            foreach (var (ssrc, request) in raised) KeyframeRequested?.Invoke(ssrc, request);
        }

        /// <summary>Counts a request and keeps it to be raised once the lock is released.</summary>
        private static void Raise(ref List<(uint Ssrc, KeyframeRequestedEventArgs Request)>? raised, uint ssrc, Stream stream, KeyframeRequestKind kind, uint requester)
        {
            stream.Requests++;
            (raised ??= new List<(uint, KeyframeRequestedEventArgs)>()).Add((ssrc, new KeyframeRequestedEventArgs(kind, requester)));
        }

        private sealed class Stream
        {
            public int LastFirSequence { get; set; } = -1;
            public long Requests { get; set; }
        }
    }
}
