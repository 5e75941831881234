namespace KinesisVideoWebRTCStorage.Signaling
{
    /// <summary>A signaling message that is not valid JSON of the KVS signaling protocol.</summary>
    public sealed class SignalingFormatException : WireFormatException
    {
        public SignalingFormatException(string message) : base("Signaling", message)
        {
        }
    }
}
