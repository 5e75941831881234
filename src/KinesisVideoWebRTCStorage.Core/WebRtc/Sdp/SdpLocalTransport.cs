using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>Our ICE credentials and DTLS identity, written into every m-line we produce (JSEP puts them per m-line).</summary>
    public sealed class SdpLocalTransport
    {
        public SdpLocalTransport(string iceUfrag, string icePwd, SdpFingerprint fingerprint, SdpSetup setup)
        {
            IceUfrag = iceUfrag ?? throw new ArgumentNullException(nameof(iceUfrag));
            IcePwd = icePwd ?? throw new ArgumentNullException(nameof(icePwd));
            Fingerprint = fingerprint ?? throw new ArgumentNullException(nameof(fingerprint));
            Setup = setup;
        }

        public string IceUfrag { get; }
        public string IcePwd { get; }
        public SdpFingerprint Fingerprint { get; }
        public SdpSetup Setup { get; }

        public SdpLocalTransport WithSetup(SdpSetup setup) => new SdpLocalTransport(IceUfrag, IcePwd, Fingerprint, setup);

        internal void AddTo(SdpMediaDescription media)
        {
            media.AddAttribute("ice-ufrag", IceUfrag).AddAttribute("ice-pwd", IcePwd).AddAttribute("ice-options", "trickle")
                .AddAttribute("fingerprint", Fingerprint.ToString()).AddAttribute("setup", Setup.ToName());
        }

        public override string ToString() => $"ufrag={IceUfrag} pwd=<redacted> setup={Setup.ToName()} {Fingerprint}";
    }
}
