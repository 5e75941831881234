namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>
    /// An answer and what it negotiated. Video or Audio (what we send) is null when the offer had no compatible section,
    /// we have no such track, or the peer does not receive on it; ReceivingVideo or ReceivingAudio (what we receive) is
    /// null unless we asked to receive that kind and the peer sends it.
    /// </summary>
    public sealed class SdpAnswer
    {
        internal SdpAnswer(SdpSessionDescription description, SdpNegotiatedMedia? video, SdpNegotiatedMedia? audio,
            SdpNegotiatedMedia? receivingVideo, SdpNegotiatedMedia? receivingAudio, SdpSetup setup)
        {
            ReceivingVideo = receivingVideo;
            ReceivingAudio = receivingAudio;
            Setup = setup;
            Description = description;
            Video = video;
            Audio = audio;
        }

        public SdpSessionDescription Description { get; }
        public SdpNegotiatedMedia? Video { get; }
        public SdpNegotiatedMedia? Audio { get; }
        public SdpNegotiatedMedia? ReceivingVideo { get; }
        public SdpNegotiatedMedia? ReceivingAudio { get; }

        /// <summary>Our DTLS role as answered: active makes us the DTLS client, passive the server.</summary>
        public SdpSetup Setup { get; }
    }
}
