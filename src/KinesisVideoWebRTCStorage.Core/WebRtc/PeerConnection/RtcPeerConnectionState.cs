namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>The W3C RTCPeerConnectionState values this stack reaches.</summary>
    public enum RtcPeerConnectionState
    {
        New,

        /// <summary>ICE checks or the DTLS handshake are under way.</summary>
        Connecting,

        /// <summary>DTLS is up and SRTP keys are installed: media flows.</summary>
        Connected,

        /// <summary>ICE, DTLS or consent failed; <see cref="RtcPeerConnection.FailureReason"/> says why.</summary>
        Failed,

        Closed,
    }
}
