using System;
using System.Net;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>A local and a remote candidate being checked, with the RFC 8445 section 6.1.2.3 pair priority.</summary>
    public sealed class IceCandidatePair
    {
        internal IceCandidatePair(IceCandidate local, IceCandidate remote, IPEndPoint remoteEndPoint)
        {
            Local = local;
            Remote = remote;
            RemoteEndPoint = remoteEndPoint;
        }

        public IceCandidate Local { get; }
        public IceCandidate Remote { get; internal set; }
        public IPEndPoint RemoteEndPoint { get; }
        public IceCandidatePairState State { get; internal set; }

        /// <summary>The controlled side saw USE-CANDIDATE on this pair, or our nominating check on it succeeded.</summary>
        public bool Nominated { get; internal set; }

        internal bool NominationRequested { get; set; }
        internal DateTime LastConsent { get; set; }

        public static ulong ComputePriority(uint controlling, uint controlled) =>
            ((ulong)Math.Min(controlling, controlled) << 32) + 2ul * Math.Max(controlling, controlled) + (controlling > controlled ? 1ul : 0ul);

        public ulong Priority(IceRole role) =>
            role == IceRole.Controlling ? ComputePriority(Local.Priority, Remote.Priority) : ComputePriority(Remote.Priority, Local.Priority);

        public override string ToString() => $"{Local.Address}:{Local.Port} -> {RemoteEndPoint} ({State}{(Nominated ? ", nominated" : "")})";
    }
}
