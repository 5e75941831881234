namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>
    /// An answer and what it negotiated. Video or Audio is null when the offer had no compatible section or the peer
    /// does not receive on it (offered sendonly or inactive, answered inactive).
    /// </summary>
    public sealed class SdpAnswer
    {
        internal SdpAnswer(SdpSessionDescription description, SdpNegotiatedMedia? video, SdpNegotiatedMedia? audio, SdpSetup setup)
        {
            Setup = setup;
            Description = description;
            Video = video;
            Audio = audio;
        }

        public SdpSessionDescription Description { get; }
        public SdpNegotiatedMedia? Video { get; }
        public SdpNegotiatedMedia? Audio { get; }

        /// <summary>Our DTLS role as answered: active makes us the DTLS client, passive the server.</summary>
        public SdpSetup Setup { get; }
    }
}
