using KinesisVideoWebRTCStorage.WebRtc.Sdp;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Sdp
{
    internal static class SdpTestData
    {
        public const string Password = "s3cretIcePassw0rdXYZ1234";
        public const string MidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
        public const string AbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

        public static readonly SdpFingerprint Fingerprint = SdpFingerprint.Parse(
            "sha-256 01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF");

        public static SdpAnswerOptions AnswerOptions(SdpSetup setup = SdpSetup.Active)
        {
            var options = new SdpAnswerOptions(new SdpLocalTransport("ourU", Password, Fingerprint, setup), 1111, 2222);
            options.HeaderExtensions.Add(MidUri);
            options.HeaderExtensions.Add(AbsSendTimeUri);
            return options;
        }

        public static SdpSessionDescription Offer(string name) => SdpSessionDescription.Parse(Corpus.Text("sdp", name));
    }
}
