using System;

namespace KinesisVideoWebRTCStorage.Viewer
{
    /// <summary>A viewer that connected and then failed; <see cref="Result"/> keeps what it received and recorded.</summary>
    public sealed class ViewerFailedException : Exception
    {
        public ViewerFailedException(ViewerResult result) : base(result?.Error ?? "The viewer failed.")
        {
            Result = result ?? throw new ArgumentNullException(nameof(result));
        }

        public ViewerResult Result { get; }
    }
}
