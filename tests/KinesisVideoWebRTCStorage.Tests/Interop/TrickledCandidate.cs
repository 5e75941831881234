namespace KinesisVideoWebRTCStorage.Tests.Interop
{
    /// <summary>
    /// One local ICE candidate that a peer under test trickled, as the signalling channel would carry it: the attribute
    /// value ("candidate:..."), and the media section it belongs to by mid and/or m-line index (either may be absent).
    /// </summary>
    public sealed record TrickledCandidate(string Candidate, string? Mid, int? MLineIndex);
}
