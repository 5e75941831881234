using System;

namespace KinesisVideoWebRTCStorage.Viewer
{
    /// <summary>A viewer option that cannot work (a client id outside the API's pattern, a file it cannot write): raised before any call.</summary>
    public sealed class ViewerOptionsException : ArgumentException
    {
        public ViewerOptionsException(string message, string parameter) : base(message, parameter)
        {
        }
    }
}
