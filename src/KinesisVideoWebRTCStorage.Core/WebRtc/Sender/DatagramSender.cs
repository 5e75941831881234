namespace KinesisVideoWebRTCStorage.WebRtc.Sender
{
    /// <summary>Sends one datagram; <c>buffer[..length]</c> is reused after the call returns.</summary>
    public delegate void DatagramSender(byte[] buffer, int length);
}
