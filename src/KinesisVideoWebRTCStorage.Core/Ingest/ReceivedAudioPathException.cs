using System;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>The file to save heard audio to cannot be written: an unknown extension or a missing folder. Raised before any call.</summary>
    public sealed class ReceivedAudioPathException : ArgumentException
    {
        public ReceivedAudioPathException(string message) : base(message, "ReceivedAudioPath")
        {
        }
    }
}
