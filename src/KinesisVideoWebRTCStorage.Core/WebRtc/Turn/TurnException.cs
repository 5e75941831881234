using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>A TURN request the server refused (with its STUN error code) or never answered (code 0).</summary>
    public sealed class TurnException : Exception
    {
        public TurnException(string message, int errorCode = 0) : base(message)
        {
            ErrorCode = errorCode;
        }

        public int ErrorCode { get; }
    }
}
