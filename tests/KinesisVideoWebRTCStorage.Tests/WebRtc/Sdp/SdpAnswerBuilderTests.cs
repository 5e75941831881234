using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Sdp
{
    public class SdpAnswerBuilderTests
    {
        private static string Kinds(SdpNegotiatedMedia media) =>
            string.Join(",", media.Feedback.Select(f => f.Type + (f.Parameter == null ? "" : " " + f.Parameter)));

        [Fact]
        public void AnswersChromiumOfferWithConstrainedBaselineAndOpus()
        {
            var result = SdpAnswerBuilder.Build(SdpTestData.Offer("chromium-recvonly-offer.sdp"), SdpTestData.AnswerOptions());
            // Re-parse what goes on the wire, so the assertions are about the text the peer gets.
            var answer = SdpSessionDescription.Parse(result.Description.Serialize());

            Assert.Equal(new[] { "0", "1" }, answer.BundleGroups.Single());
            Assert.True(answer.Attributes.Has("extmap-allow-mixed"));
            var video = answer.Media[0];
            Assert.Equal(new[] { "106" }, video.Formats);
            Assert.Equal(9, video.Port);
            Assert.Equal("0", video.Mid);
            Assert.Equal(SdpDirection.SendOnly, video.Direction);
            Assert.Equal(SdpSetup.Active, video.Setup);
            Assert.Equal("ourU", video.IceUfrag);
            Assert.Equal(SdpTestData.Password, video.IcePwd);
            Assert.Equal("trickle", video.Attributes.Get("ice-options"));
            Assert.True(SdpTestData.Fingerprint.Matches(video.Fingerprint!));
            Assert.True(video.RtcpMux);
            Assert.True(video.RtcpReducedSize);
            var fmtp = video.FmtpFor(106)!;
            Assert.Equal(("42e01f", "1", "1"), (fmtp["profile-level-id"], fmtp["packetization-mode"], fmtp["level-asymmetry-allowed"]));
            Assert.Equal(new[] { "ccm fir", "goog-remb", "nack", "nack pli" },
                video.RtcpFeedbackFor(106).Select(f => f.Type + (f.Parameter == null ? "" : " " + f.Parameter)).OrderBy(s => s));
            Assert.Equal(new[] { (2, SdpTestData.AbsSendTimeUri), (9, SdpTestData.MidUri) }, video.Extmaps.Select(e => (e.Id, e.Uri)).OrderBy(e => e.Id));
            Assert.Contains(video.Ssrcs, s => s.Ssrc == 1111 && s.Attribute == "cname");
            Assert.Contains(video.Ssrcs, s => s.Ssrc == 1111 && s.Attribute == "msid");
            Assert.NotNull(video.Attributes.Get("msid"));

            var audio = answer.Media[1];
            Assert.Equal(new[] { "111" }, audio.Formats);
            Assert.Equal("opus", audio.RtpMaps.Single().Encoding);
            Assert.Empty(audio.RtcpFeedback); // Chromium only offers transport-cc for Opus, which we do not do.
            Assert.False(audio.RtcpReducedSize);
            Assert.Equal(new[] { 2, 9 }, audio.Extmaps.Select(e => e.Id).OrderBy(i => i));
            Assert.Equal(2222u, result.Audio!.Ssrc);
            Assert.Equal("111 minptime=10;useinbandfec=1", result.Audio.Fmtp!.ToString());
            Assert.Equal(106, result.Video!.PayloadType);
            Assert.Equal("nack,nack pli,ccm fir,goog-remb", Kinds(result.Video));
        }

        [Fact]
        public void AnswersGStreamerMaxBundleOfferIncludingBundleOnlyVideo()
        {
            var result = SdpAnswerBuilder.Build(SdpTestData.Offer("gstreamer-max-bundle-offer.sdp"), SdpTestData.AnswerOptions(SdpSetup.Passive));
            var answer = SdpSessionDescription.Parse(result.Description.Serialize());
            Assert.Equal(new[] { "audio0", "video1" }, answer.BundleGroups.Single());
            Assert.Equal(new[] { "audio", "video" }, answer.Media.Select(m => m.Media));
            var video = answer.Media[1];
            Assert.Equal(9, video.Port);
            Assert.False(video.BundleOnly);
            Assert.Equal("video1", video.Mid);
            Assert.Equal(SdpSetup.Passive, video.Setup);
            Assert.Equal(new[] { "96" }, video.Formats);
            Assert.Equal("nack,nack pli,ccm fir", Kinds(result.Video!));
            Assert.Equal(97, result.Audio!.PayloadType);
            Assert.Equal("nack pli", Kinds(result.Audio));
            Assert.Null(result.Audio.Fmtp); // GStreamer only sent sprop-* parameters, which are its own
            Assert.Null(answer.Media[0].FmtpFor(97));
            Assert.Equal(new[] { (1, SdpTestData.MidUri) }, answer.Media[0].Extmaps.Select(e => (e.Id, e.Uri)));
            Assert.Equal(new[] { (1, SdpTestData.MidUri), (2, SdpTestData.AbsSendTimeUri) }, video.Extmaps.Select(e => (e.Id, e.Uri)));
        }

        private const string Header = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE v a\r\n";

        [Fact]
        public void PrefersBaselineFamilyAndPacketizationMode1()
        {
            string offer = Header +
                "m=video 9 UDP/TLS/RTP/SAVPF 100 101 102\r\na=mid:v\r\na=recvonly\r\n" +
                "a=rtpmap:100 H264/90000\r\na=fmtp:100 packetization-mode=1;profile-level-id=640032\r\n" +
                "a=rtpmap:101 H264/90000\r\na=fmtp:101 packetization-mode=0;profile-level-id=42e01f\r\n" +
                "a=rtpmap:102 H264/90000\r\na=fmtp:102 packetization-mode=1;profile-level-id=42001f\r\n" +
                "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\na=recvonly\r\na=rtpmap:111 opus/48000/2\r\n";
            var result = SdpAnswerBuilder.Build(SdpSessionDescription.Parse(offer), SdpTestData.AnswerOptions());
            Assert.Equal(102, result.Video!.PayloadType);
            Assert.Equal("42001f", result.Video.Fmtp!["profile-level-id"]);
            Assert.Empty(result.Video.Feedback);
        }

        [Fact]
        public void RejectsIncompatibleSectionsAndDropsThemFromBundle()
        {
            string offer = Header +
                "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\na=recvonly\r\na=rtpmap:96 VP8/90000\r\n" +
                "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\na=recvonly\r\na=rtpmap:111 opus/48000/2\r\n" +
                "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:d\r\na=sctp-port:5000\r\n";
            var result = SdpAnswerBuilder.Build(SdpSessionDescription.Parse(offer), SdpTestData.AnswerOptions());
            var answer = SdpSessionDescription.Parse(result.Description.Serialize());
            Assert.Null(result.Video);
            Assert.Equal((0, "v", "96"), (answer.Media[0].Port, answer.Media[0].Mid, answer.Media[0].Formats.Single()));
            Assert.Equal((0, "d"), (answer.Media[2].Port, answer.Media[2].Mid));
            Assert.Equal(new[] { "a" }, answer.BundleGroups.Single());
        }

        [Fact]
        public void HeaderExtensionIdsNeverCollide()
        {
            // A broken offer reuses id 3 for different URIs in one BUNDLE group: only the first meaning survives.
            string offer = Header +
                "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\na=recvonly\r\na=extmap:3 " + SdpTestData.MidUri + "\r\n" +
                "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\n" +
                "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\na=recvonly\r\na=extmap:3 " + SdpTestData.AbsSendTimeUri + "\r\n" +
                "a=extmap:4 " + SdpTestData.MidUri + "\r\na=rtpmap:111 opus/48000/2\r\n";
            var result = SdpAnswerBuilder.Build(SdpSessionDescription.Parse(offer), SdpTestData.AnswerOptions());
            Assert.Equal(new[] { (3, SdpTestData.MidUri) }, result.Video!.Extensions.Select(e => (e.Id, e.Uri)));
            Assert.Empty(result.Audio!.Extensions);
        }

        [Fact]
        public void AnswerToOurOwnOfferNegotiates()
        {
            var transport = new SdpLocalTransport("peerU", "peerPasswordPeerPassword", SdpTestData.Fingerprint, SdpSetup.ActPass);
            var offer = SdpSessionDescription.Parse(SdpOfferBuilder.Build(transport).Serialize());
            Assert.All(offer.Media, m => Assert.Equal(SdpDirection.RecvOnly, m.Direction));
            Assert.All(offer.Media, m => Assert.Equal(SdpSetup.ActPass, m.Setup));
            var result = SdpAnswerBuilder.Build(offer, SdpTestData.AnswerOptions(SdpSetup.Passive));
            Assert.Equal(SdpOfferBuilder.H264ConstrainedBaselinePayloadType, result.Video!.PayloadType);
            Assert.Equal(SdpOfferBuilder.OpusPayloadType, result.Audio!.PayloadType);
            Assert.Equal(new[] { 1, 2 }, result.Video.Extensions.Select(e => e.Id));
            Assert.Equal(new[] { "0", "1" }, result.Description.BundleGroups.Single());
            Assert.Throws<System.ArgumentException>(() => SdpOfferBuilder.Build(new SdpLocalTransport("u", "p", SdpTestData.Fingerprint, SdpSetup.Active)));
        }

        [Theory]
        [InlineData("actpass", SdpSetup.Active, SdpSetup.Active)]
        [InlineData("actpass", SdpSetup.Passive, SdpSetup.Passive)]
        [InlineData("active", SdpSetup.Active, SdpSetup.Passive)]
        [InlineData("passive", SdpSetup.Passive, SdpSetup.Active)]
        public void AnswerTakesTheDtlsRoleTheOfferLeaves(string offered, SdpSetup preferred, SdpSetup expected)
        {
            string offer = SdpTestData.Offer("gstreamer-max-bundle-offer.sdp").Serialize().Replace("a=setup:actpass", "a=setup:" + offered);
            var result = SdpAnswerBuilder.Build(SdpSessionDescription.Parse(offer), SdpTestData.AnswerOptions(preferred));
            Assert.Equal(expected, result.Setup);
            Assert.All(result.Description.Media.Where(m => m.Port != 0), m => Assert.Equal(expected, m.Setup));
        }

        [Fact]
        public void SectionThePeerDoesNotReceiveIsAnsweredInactive()
        {
            string offer = SdpTestData.Offer("gstreamer-max-bundle-offer.sdp").Serialize();
            offer = offer.Substring(0, offer.IndexOf("m=video")) + offer.Substring(offer.IndexOf("m=video")).Replace("a=recvonly", "a=sendonly");
            var result = SdpAnswerBuilder.Build(SdpSessionDescription.Parse(offer), SdpTestData.AnswerOptions());
            Assert.Null(result.Video);
            Assert.NotNull(result.Audio);
            var video = result.Description.Media[1];
            Assert.Equal(SdpDirection.Inactive, video.Direction);
            Assert.Empty(video.Ssrcs);
        }

        [Fact]
        public void AcceptsOpusOfferedWithoutChannelCount()
        {
            // A real GStreamer 1.22 offer from a recvonly transceiver whose caps had no encoding-params.
            var offer = SdpTestData.Offer("gstreamer122-opus-no-channels-offer.sdp");
            Assert.Null(offer.Media[0].RtpMaps.Single().Channels);
            var result = SdpAnswerBuilder.Build(offer, SdpTestData.AnswerOptions());
            var answer = SdpSessionDescription.Parse(result.Description.Serialize());
            Assert.Equal(97, result.Audio!.PayloadType);
            // The answer keeps the offerer's spelling of the payload type it accepts.
            Assert.Equal("97 OPUS/48000", answer.Media[0].RtpMaps.Single().ToString());
            Assert.Equal((9, SdpDirection.SendOnly), (answer.Media[0].Port, answer.Media[0].Direction));
            Assert.Equal(new[] { "audio0", "video1" }, answer.BundleGroups.Single());

            string mono = SdpTestData.Offer("gstreamer122-opus-no-channels-offer.sdp").Serialize().Replace("OPUS/48000\r\n", "OPUS/48000/1\r\n");
            Assert.Null(SdpAnswerBuilder.Build(SdpSessionDescription.Parse(mono), SdpTestData.AnswerOptions()).Audio);
        }

        [Fact]
        public void MalformedLinesOfUnusedCodecsDoNotFailTheAnswer()
        {
            string offer = SdpTestData.Offer("chromium-recvonly-offer.sdp").Serialize()
                .Replace("a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP8")
                .Replace("a=fmtp:98 profile-id=0", "a=fmtp:x profile-id=0")
                .Replace("a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96");
            var parsed = SdpSessionDescription.Parse(offer);
            Assert.Equal(3, parsed.Media[0].MalformedAttributes);
            Assert.Equal(0, parsed.Media[1].MalformedAttributes);
            Assert.DoesNotContain(parsed.Media[0].RtpMaps, m => m.PayloadType == 96);
            var result = SdpAnswerBuilder.Build(parsed, SdpTestData.AnswerOptions());
            Assert.Equal(106, result.Video!.PayloadType);
        }
    }
}
