namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>A trickled candidate as signaling carries it; an empty <see cref="Candidate"/> means end of candidates.</summary>
    public sealed class RtcIceCandidateInit
    {
        public RtcIceCandidateInit(string candidate, string? sdpMid = null, int? sdpMLineIndex = null)
        {
            Candidate = candidate ?? "";
            SdpMid = sdpMid;
            SdpMLineIndex = sdpMLineIndex;
        }

        /// <summary>The <c>candidate:...</c> line without <c>a=</c>.</summary>
        public string Candidate { get; }
        public string? SdpMid { get; }
        public int? SdpMLineIndex { get; }

        public bool IsEndOfCandidates => Candidate.Length == 0;

        public override string ToString() => IsEndOfCandidates ? "end-of-candidates" : Candidate;
    }
}
