using System;

namespace KinesisVideoWebRTCStorage.Ingest
{
    /// <summary>
    /// Ingest could not go on after it had started. <see cref="Result"/> keeps what was sent and recorded up to then,
    /// so nothing already achieved is lost to the caller.
    /// </summary>
    public sealed class IngestFailedException : Exception
    {
        public IngestFailedException(string message, IngestResult result, Exception? innerException = null) : base(message, innerException)
        {
            Result = result;
        }

        public IngestResult Result { get; }
    }
}
