namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>One section of our offer: whether we send (with this SSRC and track id) and whether we receive.</summary>
    public sealed class SdpOfferTrack
    {
        public SdpOfferTrack(bool receive, uint sendSsrc = 0, string? trackId = null)
        {
            Receive = receive;
            SendSsrc = sendSsrc;
            TrackId = trackId;
        }

        public bool Receive { get; }

        /// <summary>The SSRC we send from; 0 when we only receive.</summary>
        public uint SendSsrc { get; }

        public string? TrackId { get; }

        public SdpDirection Direction => SdpDirectionNames.Of(SendSsrc != 0, Receive);

        public static SdpOfferTrack ReceiveOnly { get; } = new SdpOfferTrack(receive: true);
    }
}
