using System.Linq;
using System.Text;
using KinesisVideoWebRTCStorage.WebRtc.Sdp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Sdp
{
    public class SdpSessionDescriptionTests
    {
        [Fact]
        public void ParsesChromiumOffer()
        {
            var offer = SdpTestData.Offer("chromium-recvonly-offer.sdp");
            Assert.Equal(4611731400430051336ul, offer.Origin.SessionId);
            Assert.Equal(new[] { "0", "1" }, offer.BundleGroups.Single());
            Assert.True(offer.Attributes.Has("extmap-allow-mixed"));
            var video = offer.Media[0];
            Assert.Equal("video", video.Media);
            Assert.Equal(9, video.Port);
            Assert.Equal("UDP/TLS/RTP/SAVPF", video.Protocol);
            Assert.Equal("0", video.Mid);
            Assert.Equal(SdpDirection.RecvOnly, video.Direction);
            Assert.Equal(SdpSetup.ActPass, video.Setup);
            Assert.Equal("Qx3h", video.IceUfrag);
            Assert.True(video.RtcpMux);
            Assert.True(video.RtcpReducedSize);
            Assert.Equal("sha-256", video.Fingerprint!.Algorithm);
            Assert.Equal(32, video.Fingerprint.Digest.Length);
            Assert.Equal(0x7B, video.Fingerprint.Digest.Span[0]);
            Assert.Equal(11, video.Extmaps.Count());
            Assert.Equal(new[] { "goog-remb", "transport-cc", "ccm fir", "nack", "nack pli" },
                video.RtcpFeedbackFor(106).Select(f => f.Type + (f.Parameter == null ? "" : " " + f.Parameter)));
            Assert.Equal("42e01f", video.FmtpFor(106)!["profile-level-id"]);
            Assert.Equal("96", video.FmtpFor(97)!["apt"]);
            var audio = offer.Media[1];
            var opus = audio.RtpMaps.First();
            Assert.Equal((111, "opus", 48000, (int?)2), (opus.PayloadType, opus.Encoding, opus.ClockRate, opus.Channels));
        }

        [Fact]
        public void ParsesGStreamerMaxBundleOffer()
        {
            var offer = SdpTestData.Offer("gstreamer-max-bundle-offer.sdp");
            Assert.Equal(new[] { "audio0", "video1" }, offer.BundleGroups.Single());
            Assert.Equal("trickle", offer.Attributes.Get("ice-options"));
            Assert.False(offer.IceLite);
            Assert.True(SdpSessionDescription.Parse(offer.Serialize().Replace("a=ice-options:trickle", "a=ice-lite")).IceLite);
            var video = offer.Media[1];
            Assert.Equal(0, video.Port);
            Assert.True(video.BundleOnly);
            Assert.Equal("rcvr-rtt=all", video.Attributes.Get("rtcp-xr"));
            Assert.Equal("30", video.Attributes.Get("framerate"));
            var audio = offer.Media[0];
            Assert.Equal(3, audio.Candidates.Count());
            Assert.True(audio.EndOfCandidates);
            Assert.False(video.EndOfCandidates);
        }

        [Fact]
        public void ParsesSsrcAndMsid()
        {
            var answer = SdpTestData.Offer("chromium-sendonly-answer.sdp");
            var video = answer.Media[0];
            Assert.Equal(SdpSetup.Active, video.Setup);
            Assert.Equal(SdpDirection.SendOnly, video.Direction);
            var ssrcs = video.Ssrcs.ToList();
            Assert.Equal(2747207181u, ssrcs[0].Ssrc);
            Assert.Equal("cname", ssrcs[0].Attribute);
            Assert.Equal("yH1X2qWk7dLmN3bV", ssrcs[0].Value);
            Assert.Equal("FID 2747207181 3621985140", video.Attributes.Get("ssrc-group"));
            Assert.StartsWith("3b5c2f1e", video.Attributes.Get("msid"));
        }

        [Fact]
        public void EveryCorpusFileRoundTripsExactly()
        {
            foreach (string file in Corpus.Files("sdp"))
            {
                string text = System.IO.File.ReadAllText(file).Replace("\r\n", "\n").Replace("\n", "\r\n");
                Assert.Equal(text, SdpSessionDescription.Parse(text).Serialize());
            }
        }

        [Fact]
        public void FingerprintFormatsAsColonHex()
        {
            Assert.Equal("sha-256 AB:CD:01", new SdpFingerprint("SHA-256", new byte[] { 0xAB, 0xCD, 0x01 }).ToString());
            Assert.Equal("sha-256 AB:CD:01", SdpFingerprint.Parse("sha-256 ab:cd:01").ToString());
            Assert.Throws<SdpFormatException>(() => SdpFingerprint.Parse("sha-256 AB:CD:0"));
            Assert.Throws<SdpFormatException>(() => SdpFingerprint.Parse("sha-256 AB-CD-01"));
            Assert.Throws<SdpFormatException>(() => SdpFingerprint.Parse("sha-256 ZZ:CD:01"));
        }

        [Fact]
        public void RejectsMalformedStructure()
        {
            Assert.Throws<SdpFormatException>(() => SdpSessionDescription.Parse("o=- 1 1 IN IP4 0.0.0.0\r\n"));
            Assert.Throws<SdpFormatException>(() => SdpSessionDescription.Parse("v=0\r\no=- x 1 IN IP4 0.0.0.0\r\n"));
            Assert.Throws<SdpFormatException>(() => SdpSessionDescription.Parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 70000 RTP/AVP 96\r\n"));
            Assert.Throws<SdpFormatException>(() => SdpSessionDescription.Parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nX=bad\r\n"));
            Assert.Throws<SdpFormatException>(() => SdpSessionDescription.Parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n" + new string('a', SdpSessionDescription.MaxLength)));
        }

        [Fact]
        public void IcePasswordNeverInToStringOrErrors()
        {
            var offer = SdpTestData.Offer("chromium-recvonly-offer.sdp");
            const string pwd = "Jm2cvAbQyYsN0iC4ZS8fUqpK";
            Assert.Contains(pwd, offer.Serialize());
            Assert.DoesNotContain(pwd, offer.ToString());
            Assert.DoesNotContain(pwd, offer.Media[0].ToString());
            Assert.DoesNotContain(pwd, offer.Media[0].Attributes.Single(a => a.Name == "ice-pwd").ToString());
            Assert.DoesNotContain(SdpTestData.Password, SdpTestData.AnswerOptions().Transport.ToString());

            string broken = offer.Serialize().Replace("a=ice-pwd:" + pwd, "a=ice-pwd:" + pwd + "\r\n!=" + pwd);
            var error = Assert.Throws<SdpFormatException>(() => SdpSessionDescription.Parse(broken));
            Assert.DoesNotContain(pwd, error.Message);
        }

        [Fact]
        public void SurvivesHostileInput()
        {
            var seeds = Corpus.Files("sdp").Select(System.IO.File.ReadAllBytes).ToList();
            seeds.Add(Encoding.UTF8.GetBytes(SdpOfferBuilder.Build(new SdpLocalTransport("u", SdpTestData.Password, SdpTestData.Fingerprint, SdpSetup.ActPass)).Serialize()));
            int rejected = Fuzz.HostileInput.Run(seeds, 100_000, 8866, input =>
            {
                var description = SdpSessionDescription.Parse(Encoding.UTF8.GetString(input));
                _ = description.BundleGroups.ToList();
                foreach (var media in description.Media)
                {
                    _ = (media.Mid, media.Direction, media.Setup, media.Fingerprint, description.FingerprintFor(media), description.SetupFor(media));
                    _ = (media.RtpMaps.ToList(), media.Fmtps.ToList(), media.RtcpFeedback.ToList(), media.Extmaps.ToList(), media.Ssrcs.ToList(), media.MalformedAttributes);
                }
                // Whatever parses must serialize to something that parses again.
                SdpSessionDescription.Parse(description.Serialize());
            }, e => e is SdpFormatException, length => 200L * length + 200_000);
            Assert.InRange(rejected, 1_000, 99_000);
        }

        [Fact]
        public void AnswerBuilderSurvivesHostileOffers()
        {
            var seeds = Corpus.Files("sdp").Where(f => f.Contains("offer")).Select(System.IO.File.ReadAllBytes).ToList();
            var options = SdpTestData.AnswerOptions();
            Fuzz.HostileInput.Run(seeds, 20_000, 8829, input =>
            {
                var answer = SdpAnswerBuilder.Build(SdpSessionDescription.Parse(Encoding.UTF8.GetString(input)), options);
                SdpSessionDescription.Parse(answer.Description.Serialize());
            }, e => e is SdpFormatException, length => 1000L * length + 1_000_000);
        }
    }
}
