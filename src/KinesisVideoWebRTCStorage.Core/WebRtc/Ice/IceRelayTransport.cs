using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>A relayed candidate: datagrams go to the peer as TURN Send indications through the host socket's allocation.</summary>
    internal sealed class IceRelayTransport : IIceTransport, IDisposable
    {
        private readonly HashSet<IPAddress> _permissionsRequested = new HashSet<IPAddress>();

        public IceRelayTransport(TurnClient client, IceSocket host, IceCandidate candidate)
        {
            Client = client;
            Host = host;
            Candidate = candidate;
        }

        public TurnClient Client { get; }
        public IceSocket Host { get; }
        public IceCandidate Candidate { get; }
        public int LocalPreference => Host.LocalPreference;
        public AddressFamily AddressFamily => Client.RelayedAddress!.AddressFamily;

        /// <summary>
        /// Asks for a permission once per peer address. Checks sent before it is installed are dropped by the server
        /// and recovered by check retransmission, so nothing waits for it.
        /// </summary>
        public void EnsurePermission(IPAddress peer)
        {
            lock (_permissionsRequested)
                if (!_permissionsRequested.Add(peer)) return;
            _ = Client.CreatePermissionAsync(peer).ContinueWith(t =>
            {
                // Let a later send ask again; the failure itself shows up as failing checks.
                lock (_permissionsRequested) _permissionsRequested.Remove(peer);
                _ = t.Exception;
            }, TaskContinuationOptions.OnlyOnFaulted);
        }

        public void Send(byte[] datagram, IPEndPoint to)
        {
            EnsurePermission(to.Address);
            Client.Send(datagram, to);
        }

        public void Dispose() => Client.Dispose();
    }
}
