using System;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>The media given to ingest cannot be sent: missing, unreadable, or not H.264 + Opus. Nothing was sent.</summary>
    public sealed class IngestMediaException : Exception
    {
        public IngestMediaException(string message, bool notFound = false, Exception? innerException = null) : base(message, innerException)
        {
            NotFound = notFound;
        }

        /// <summary>The file does not exist (as opposed to existing in a form that cannot be sent).</summary>
        public bool NotFound { get; }
    }
}
