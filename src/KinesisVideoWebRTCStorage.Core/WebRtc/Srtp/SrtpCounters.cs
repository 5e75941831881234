namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>What an <see cref="SrtpSession"/> dropped, and why; read by diagnostics, never reset.</summary>
    public sealed class SrtpCounters
    {
        public long RtpProtected { get; internal set; }
        public long RtpUnprotected { get; internal set; }
        public long RtcpProtected { get; internal set; }
        public long RtcpUnprotected { get; internal set; }

        /// <summary>Packets whose tag did not verify (SRTP and SRTCP).</summary>
        public long AuthenticationFailures { get; internal set; }

        /// <summary>Packets already received or older than the replay window.</summary>
        public long ReplaysDropped { get; internal set; }

        /// <summary>Packets too short or with a header that does not fit.</summary>
        public long MalformedDropped { get; internal set; }

        /// <summary>Authenticated packets from a new SSRC once <see cref="SrtpSession.MaxStreams"/> were being tracked.</summary>
        public long StreamLimitDropped { get; internal set; }
    }
}
