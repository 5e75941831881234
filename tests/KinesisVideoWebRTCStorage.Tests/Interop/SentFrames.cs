namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>How many frames of each kind a sender accepted (<c>SendFrame</c> returned true).</summary>
    internal sealed record SentFrames(int Video, int Audio);
}
