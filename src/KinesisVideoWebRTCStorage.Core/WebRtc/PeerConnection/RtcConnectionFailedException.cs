using System;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>The peer connection could not be established or was lost; the message says at which layer and why.</summary>
    public sealed class RtcConnectionFailedException : Exception
    {
        public RtcConnectionFailedException(string message, Exception? innerException = null) : base(message, innerException)
        {
        }
    }
}
