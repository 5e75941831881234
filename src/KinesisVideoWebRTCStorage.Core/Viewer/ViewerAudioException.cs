using System;

namespace KinesisVideoWebRTCStorage.Viewer
{
    /// <summary>What a viewer was given to say cannot be sent: missing, unreadable, with video, or not Opus. Raised before any call.</summary>
    public sealed class ViewerAudioException : ArgumentException
    {
        public ViewerAudioException(string message, string parameter, bool notFound = false, Exception? innerException = null)
            : base(message, parameter, innerException)
        {
            NotFound = notFound;
        }

        /// <summary>The file does not exist (as opposed to existing in a form that cannot be sent).</summary>
        public bool NotFound { get; }
    }
}
