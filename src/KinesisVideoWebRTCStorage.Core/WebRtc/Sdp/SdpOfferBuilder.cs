using System;
using System.Collections.Generic;
using System.Linq;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>
    /// Builds the offer of a receiving peer (the emulator's storage side): H.264 and Opus recvonly, one BUNDLE group,
    /// setup actpass, trickle ICE - shaped like what the KVS storage service and Chromium send.
    /// </summary>
    public static class SdpOfferBuilder
    {
        public const int H264ConstrainedBaselinePayloadType = 102;
        public const int H264BaselinePayloadType = 106;
        public const int OpusPayloadType = 111;

        /// <summary>Header extensions offered, by id (ids 1-14 fit one-byte headers).</summary>
        public static readonly IReadOnlyList<SdpExtmap> OfferedExtensions = new[]
        {
            new SdpExtmap(1, "urn:ietf:params:rtp-hdrext:sdes:mid"),
            new SdpExtmap(2, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"),
            new SdpExtmap(3, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"),
        };

        public static SdpSessionDescription Build(SdpLocalTransport transport)
        {
            if (transport.Setup != SdpSetup.ActPass) throw new ArgumentException("An offer uses setup actpass (RFC 8842).", nameof(transport));
            var offer = new SdpSessionDescription(new SdpOrigin("-", SdpAnswerBuilder.NewSessionId(), 2));
            offer.Lines.Add(new SdpLine('t', "0 0"));
            offer.Attributes.Add(new SdpAttribute("group", "BUNDLE 0 1"));
            offer.Attributes.Add(new SdpAttribute("extmap-allow-mixed"));
            offer.Attributes.Add(new SdpAttribute("msid-semantic", " WMS"));

            var video = NewSection("video", "0", transport, new[] { H264ConstrainedBaselinePayloadType, H264BaselinePayloadType });
            video.AddAttribute("rtcp-rsize");
            foreach (var (pt, profile) in new[] { (H264ConstrainedBaselinePayloadType, "42e01f"), (H264BaselinePayloadType, "42001f") })
            {
                video.AddAttribute("rtpmap", new SdpRtpMap(pt, "H264", 90000).ToString());
                foreach (var kind in new[] { "goog-remb", "transport-cc", "ccm fir", "nack", "nack pli" }) video.AddAttribute("rtcp-fb", $"{pt} {kind}");
                video.AddAttribute("fmtp", $"{pt} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id={profile}");
            }
            offer.Media.Add(video);

            var audio = NewSection("audio", "1", transport, new[] { OpusPayloadType });
            audio.AddAttribute("rtpmap", new SdpRtpMap(OpusPayloadType, "opus", 48000, 2).ToString());
            audio.AddAttribute("rtcp-fb", $"{OpusPayloadType} transport-cc");
            audio.AddAttribute("fmtp", $"{OpusPayloadType} minptime=10;useinbandfec=1");
            offer.Media.Add(audio);
            return offer;
        }

        private static SdpMediaDescription NewSection(string kind, string mid, SdpLocalTransport transport, IEnumerable<int> payloadTypes)
        {
            var media = new SdpMediaDescription(kind, 9, "UDP/TLS/RTP/SAVPF", payloadTypes.Select(pt => pt.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            media.Lines.Add(new SdpLine('c', "IN IP4 0.0.0.0"));
            media.AddAttribute("rtcp", "9 IN IP4 0.0.0.0");
            transport.AddTo(media);
            media.AddAttribute("mid", mid);
            foreach (var extmap in OfferedExtensions) media.AddAttribute("extmap", extmap.ToString());
            media.AddAttribute(SdpDirection.RecvOnly.ToName()).AddAttribute("rtcp-mux");
            return media;
        }
    }
}
