using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>
    /// Builds the answer of our JSEP answerer roles (a master that sends, and may hear two-way audio; a viewer that
    /// receives, and may talk): one H.264 video and one Opus audio section are accepted, everything else is rejected
    /// with port 0 and left out of BUNDLE.
    /// </summary>
    public static class SdpAnswerBuilder
    {
        public static SdpAnswer Build(SdpSessionDescription offer, SdpAnswerOptions options)
        {
            var answer = new SdpSessionDescription(new SdpOrigin("-", NewSessionId(), 2));
            answer.Lines.Add(new SdpLine('t', "0 0"));

            var offeredBundle = offer.BundleGroups.FirstOrDefault();
            var acceptedMids = new List<string>();
            // One URI-to-id map for the whole answer: with BUNDLE all sections share one RTP session, so an id may
            // only ever mean one extension.
            var extensionIds = new Dictionary<int, string>();
            SdpNegotiatedMedia? video = null, audio = null, receivingVideo = null, receivingAudio = null;
            bool videoTaken = false, audioTaken = false;
            SdpLocalTransport transport = options.Transport.WithSetup(AnswerSetup(offer, options.Transport.Setup));

            foreach (var offered in offer.Media)
            {
                SdpNegotiatedMedia? negotiated = null;
                bool wanted = offered.Port != 0 || offered.BundleOnly;
                if (wanted && offered.Media == "video" && !videoTaken)
                    negotiated = Negotiate(offered, ChooseH264(offered), options, options.VideoSsrc, extensionIds);
                else if (wanted && offered.Media == "audio" && !audioTaken)
                    negotiated = Negotiate(offered, ChooseOpus(offered), options, options.AudioSsrc, extensionIds);

                if (negotiated == null)
                {
                    answer.Media.Add(Rejected(offered));
                    continue;
                }
                bool isVideo = negotiated.Kind == "video";
                // We send where we have the track and the peer receives; we receive where we asked to and the peer
                // sends. Neither is answered inactive.
                bool sending = offered.Direction.Receives() && negotiated.Ssrc != 0;
                bool receiving = offered.Direction.Sends() && (isVideo ? options.ReceiveVideo : options.ReceiveAudio);
                answer.Media.Add(Accepted(offered, negotiated, options, transport, SdpDirectionNames.Of(sending, receiving)));
                acceptedMids.Add(negotiated.Mid);
                if (isVideo)
                {
                    videoTaken = true;
                    if (sending) video = negotiated;
                    if (receiving) receivingVideo = negotiated;
                }
                else
                {
                    audioTaken = true;
                    if (sending) audio = negotiated;
                    if (receiving) receivingAudio = negotiated;
                }
            }

            if (offeredBundle != null && acceptedMids.Count > 0)
                answer.Attributes.Add(new SdpAttribute("group", "BUNDLE " + string.Join(" ", acceptedMids.Where(offeredBundle.Contains))));
            if (offer.Attributes.Has("extmap-allow-mixed")) answer.Attributes.Add(new SdpAttribute("extmap-allow-mixed"));
            answer.Attributes.Add(new SdpAttribute("msid-semantic", " WMS " + options.StreamId));
            return new SdpAnswer(answer, video, audio, receivingVideo, receivingAudio, transport.Setup);
        }

        private static SdpRtpMap? ChooseH264(SdpMediaDescription offered)
        {
            SdpRtpMap? best = null;
            int bestRank = int.MaxValue;
            var rtpMaps = offered.RtpMaps.ToList();
            foreach (string format in offered.Formats)
            {
                var map = rtpMaps.FirstOrDefault(m => m.PayloadType.ToString(CultureInfo.InvariantCulture) == format);
                if (map == null || !map.Is("H264", 90000)) continue;
                var fmtp = offered.FmtpFor(map.PayloadType);
                // Our packetizer emits FU-A and STAP-A, which only packetization-mode=1 allows.
                if (fmtp?["packetization-mode"] != "1") continue;
                if (!H264ProfileLevelId.TryParse(fmtp["profile-level-id"], out var profile)) continue;
                int? rank = profile.ConstrainedBaselineRank;
                if (rank.HasValue && rank.Value < bestRank)
                {
                    best = map;
                    bestRank = rank.Value;
                }
            }
            return best;
        }

        private static SdpRtpMap? ChooseOpus(SdpMediaDescription offered)
        {
            var rtpMaps = offered.RtpMaps.ToList();
            return offered.Formats.Select(f => rtpMaps.FirstOrDefault(m => m.PayloadType.ToString(CultureInfo.InvariantCulture) == f))
                // RFC 7587 requires "opus/48000/2", but GStreamer offers "OPUS/48000" when its caps lack encoding-params;
                // RTP Opus is always 48000/2 whatever the line says, so a missing channel count means the same codec.
                .FirstOrDefault(m => m != null && m.Is("opus", 48000) && (m.Channels == 2 || m.Channels == null));
        }

        private static SdpNegotiatedMedia? Negotiate(SdpMediaDescription offered, SdpRtpMap? codec, SdpAnswerOptions options, uint ssrc,
            Dictionary<int, string> extensionIds)
        {
            string? mid = offered.Mid;
            if (codec == null || mid == null) return null;

            SdpFmtp? fmtp = offered.FmtpFor(codec.PayloadType);
            if (codec.Is("H264", 90000))
            {
                // Answer with the offer's profile-level-id; level-asymmetry-allowed lets us send below the peer's level.
                fmtp = new SdpFmtp(codec.PayloadType, new[]
                {
                    new KeyValuePair<string, string>("level-asymmetry-allowed", "1"),
                    new KeyValuePair<string, string>("packetization-mode", "1"),
                    new KeyValuePair<string, string>("profile-level-id", fmtp?["profile-level-id"] ?? H264ProfileLevelId.Default.ToString()),
                });
            }
            else if (fmtp != null)
            {
                // Opus sprop-* parameters describe the offerer's own sending (RFC 7587 section 7); echoing them would
                // misdescribe our stream. The receiver preferences (minptime, useinbandfec, ...) are mirrored.
                fmtp = new SdpFmtp(codec.PayloadType, fmtp.Parameters.Where(p => !p.Key.StartsWith("sprop-", StringComparison.OrdinalIgnoreCase)));
                if (fmtp.Parameters.Count == 0) fmtp = null;
            }

            var offeredFeedback = offered.RtcpFeedbackFor(codec.PayloadType).ToList();
            var feedback = options.SupportedFeedback.Where(s => offeredFeedback.Any(o => o.SameKind(s)))
                .Select(s => new SdpRtcpFeedback(codec.PayloadType, s.Type, s.Parameter)).ToList();

            var extensions = new List<SdpExtmap>();
            foreach (var extmap in offered.Extmaps)
            {
                if (!options.HeaderExtensions.Contains(extmap.Uri)) continue;
                if (extensionIds.TryGetValue(extmap.Id, out string? uri) ? uri != extmap.Uri : extensionIds.ContainsValue(extmap.Uri)) continue;
                extensionIds[extmap.Id] = extmap.Uri;
                extensions.Add(new SdpExtmap(extmap.Id, extmap.Uri));
            }
            return new SdpNegotiatedMedia(offered.Media, mid, codec, fmtp, feedback, extensions, ssrc);
        }

        /// <summary>
        /// RFC 8842 section 5.3: an actpass offer lets us pick; an offerer that already took a role leaves us the other one.
        /// With BUNDLE there is one DTLS association, so the first section that says anything decides.
        /// </summary>
        private static SdpSetup AnswerSetup(SdpSessionDescription offer, SdpSetup preferred)
        {
            SdpSetup? offered = offer.Media.Select(offer.SetupFor).FirstOrDefault(s => s.HasValue);
            return offered switch
            {
                SdpSetup.Active => SdpSetup.Passive,
                SdpSetup.Passive => SdpSetup.Active,
                _ => preferred,
            };
        }

        private static SdpMediaDescription Accepted(SdpMediaDescription offered, SdpNegotiatedMedia negotiated, SdpAnswerOptions options,
            SdpLocalTransport transport, SdpDirection direction)
        {
            var media = new SdpMediaDescription(offered.Media, 9, offered.Protocol, new[] { negotiated.PayloadType.ToString(CultureInfo.InvariantCulture) });
            media.Lines.Add(new SdpLine('c', "IN IP4 0.0.0.0"));
            media.AddAttribute("rtcp", "9 IN IP4 0.0.0.0");
            transport.AddTo(media);
            media.AddAttribute("mid", negotiated.Mid);
            foreach (var extmap in negotiated.Extensions) media.AddAttribute("extmap", extmap.ToString());

            bool sending = direction.Sends();
            media.AddAttribute(direction.ToName());
            string trackId = negotiated.Kind == "video" ? options.VideoTrackId : options.AudioTrackId;
            if (sending) media.AddAttribute("msid", options.StreamId + " " + trackId);
            media.AddAttribute("rtcp-mux");
            if (offered.RtcpReducedSize) media.AddAttribute("rtcp-rsize");
            media.AddAttribute("rtpmap", negotiated.Codec.ToString());
            foreach (var feedback in negotiated.Feedback) media.AddAttribute("rtcp-fb", feedback.ToString());
            if (negotiated.Fmtp != null) media.AddAttribute("fmtp", negotiated.Fmtp.ToString());
            if (sending)
            {
                media.AddAttribute("ssrc", new SdpSsrc(negotiated.Ssrc, "cname", options.Cname).ToString());
                media.AddAttribute("ssrc", new SdpSsrc(negotiated.Ssrc, "msid", options.StreamId + " " + trackId).ToString());
            }
            return media;
        }

        private static SdpMediaDescription Rejected(SdpMediaDescription offered)
        {
            // JSEP section 5.3.1: a rejected section keeps the media type, protocol, one format and the mid.
            var media = new SdpMediaDescription(offered.Media, 0, offered.Protocol, offered.Formats.Take(1));
            media.Lines.Add(new SdpLine('c', "IN IP4 0.0.0.0"));
            if (offered.Mid != null) media.AddAttribute("mid", offered.Mid);
            return media;
        }

        internal static ulong NewSessionId()
        {
            var bytes = new byte[8];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            // RFC 8866 recommends an NTP-format timestamp; JSEP (section 5.2.1) wants a random 63-bit number.
            return BitConverter.ToUInt64(bytes, 0) & 0x7FFFFFFFFFFFFFFF;
        }
    }
}
