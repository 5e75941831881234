using System;
using System.Collections.Generic;
using System.Linq;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>
    /// Builds the offer of the emulator's storage side: H.264 and Opus, recvonly to a master that only ingests, and
    /// sending where the storage session forwards video or mixed audio; one BUNDLE group, setup actpass, trickle ICE -
    /// shaped like what the KVS storage service and Chromium send.
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

        /// <summary>An offer to receive H.264 and Opus.</summary>
        public static SdpSessionDescription Build(SdpLocalTransport transport) =>
            Build(transport, SdpOfferTrack.ReceiveOnly, SdpOfferTrack.ReceiveOnly);

        /// <summary>An offer with the given video and audio sections; a null track leaves its section out.</summary>
        public static SdpSessionDescription Build(SdpLocalTransport transport, SdpOfferTrack? video, SdpOfferTrack? audio,
            string cname = "kvs-webrtc-storage", string streamId = "kvs-stream")
        {
            if (video == null && audio == null) throw new System.ArgumentException("An offer needs a video or an audio section.");
            if (transport.Setup != SdpSetup.ActPass) throw new ArgumentException("An offer uses setup actpass (RFC 8842).", nameof(transport));
            var offer = new SdpSessionDescription(new SdpOrigin("-", SdpAnswerBuilder.NewSessionId(), 2));
            offer.Lines.Add(new SdpLine('t', "0 0"));
            var mids = new List<string>();
            if (video != null) mids.Add("0");
            if (audio != null) mids.Add("1");
            offer.Attributes.Add(new SdpAttribute("group", "BUNDLE " + string.Join(" ", mids)));
            offer.Attributes.Add(new SdpAttribute("extmap-allow-mixed"));
            offer.Attributes.Add(new SdpAttribute("msid-semantic", " WMS" + (video?.SendSsrc > 0 || audio?.SendSsrc > 0 ? " " + streamId : "")));

            if (video != null)
            {
                var section = NewSection("video", "0", transport, new[] { H264ConstrainedBaselinePayloadType, H264BaselinePayloadType }, video, streamId);
                section.AddAttribute("rtcp-rsize");
                foreach (var (pt, profile) in new[] { (H264ConstrainedBaselinePayloadType, "42e01f"), (H264BaselinePayloadType, "42001f") })
                {
                    section.AddAttribute("rtpmap", new SdpRtpMap(pt, "H264", 90000).ToString());
                    foreach (var kind in new[] { "goog-remb", "transport-cc", "ccm fir", "nack", "nack pli" }) section.AddAttribute("rtcp-fb", $"{pt} {kind}");
                    section.AddAttribute("fmtp", $"{pt} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id={profile}");
                }
                AddSsrc(section, video, cname, streamId);
                offer.Media.Add(section);
            }

            if (audio != null)
            {
                var section = NewSection("audio", "1", transport, new[] { OpusPayloadType }, audio, streamId);
                section.AddAttribute("rtpmap", new SdpRtpMap(OpusPayloadType, "opus", 48000, 2).ToString());
                section.AddAttribute("rtcp-fb", $"{OpusPayloadType} transport-cc");
                // Audio we send is worth a resend: the peer's NACKs are honoured, as for video.
                if (audio.SendSsrc != 0) section.AddAttribute("rtcp-fb", $"{OpusPayloadType} nack");
                section.AddAttribute("fmtp", $"{OpusPayloadType} minptime=10;useinbandfec=1");
                AddSsrc(section, audio, cname, streamId);
                offer.Media.Add(section);
            }
            return offer;
        }

        private static void AddSsrc(SdpMediaDescription section, SdpOfferTrack track, string cname, string streamId)
        {
            if (track.SendSsrc == 0) return;
            string msid = streamId + " " + (track.TrackId ?? section.Media);
            section.AddAttribute("ssrc", new SdpSsrc(track.SendSsrc, "cname", cname).ToString());
            section.AddAttribute("ssrc", new SdpSsrc(track.SendSsrc, "msid", msid).ToString());
        }

        private static SdpMediaDescription NewSection(string kind, string mid, SdpLocalTransport transport, IEnumerable<int> payloadTypes,
            SdpOfferTrack track, string streamId)
        {
            var media = new SdpMediaDescription(kind, 9, "UDP/TLS/RTP/SAVPF", payloadTypes.Select(pt => pt.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            media.Lines.Add(new SdpLine('c', "IN IP4 0.0.0.0"));
            media.AddAttribute("rtcp", "9 IN IP4 0.0.0.0");
            transport.AddTo(media);
            media.AddAttribute("mid", mid);
            foreach (var extmap in OfferedExtensions) media.AddAttribute("extmap", extmap.ToString());
            media.AddAttribute(track.Direction.ToName());
            if (track.SendSsrc != 0) media.AddAttribute("msid", streamId + " " + (track.TrackId ?? kind));
            media.AddAttribute("rtcp-mux");
            return media;
        }
    }
}
