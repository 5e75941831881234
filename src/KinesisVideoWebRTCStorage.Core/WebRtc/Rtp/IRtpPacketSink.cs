namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>Receives packets a packetizer or retransmission buffer produces.</summary>
    public interface IRtpPacketSink
    {
        /// <summary>
        /// The packet is <c>buffer[..length]</c>; the buffer has at least <see cref="RtpPacketEmitter.TrailerRoom"/> spare
        /// bytes after it so the sink may SRTP-protect in place. The buffer is reused once the call returns.
        /// </summary>
        void OnRtpPacket(byte[] buffer, int length);
    }
}
