using System;
using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc
{
    /// <summary>
    /// Local candidates held back until the answer they belong to has been sent, so the other side never gets one ahead
    /// of it (the KVS storage service refuses those); after that they go out as they come. End-of-candidates is dropped:
    /// KVS signaling has no message for it. Thread-safe.
    /// </summary>
    public sealed class HeldCandidates
    {
        private readonly object _lock = new object();
        private readonly Action<RtcIceCandidateInit> _send;
        private List<RtcIceCandidateInit>? _held = new List<RtcIceCandidateInit>();

        public HeldCandidates(Action<RtcIceCandidateInit> send) => _send = send ?? throw new ArgumentNullException(nameof(send));

        public void OnLocalCandidate(RtcIceCandidateInit candidate)
        {
            if (candidate.IsEndOfCandidates) return;
            lock (_lock)
            {
                if (_held != null)
                {
                    _held.Add(candidate);
                    return;
                }
            }
            _send(candidate);
        }

        /// <summary>The answer is out: sends what was held, and from now on each candidate at once.</summary>
        public void Release()
        {
            List<RtcIceCandidateInit> held;
            lock (_lock)
            {
                held = _held ?? new List<RtcIceCandidateInit>();
                _held = null;
            }
            foreach (var candidate in held) _send(candidate);
        }
    }
}
