using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>
    /// A relayed candidate: datagrams go to the peer through a TURN allocation, in Send indications until a channel is
    /// bound to the peer and as ChannelData after.
    /// </summary>
    internal sealed class IceRelayTransport : IIceTransport, IDisposable
    {
        private readonly HashSet<IPAddress> _permissionsRequested = new HashSet<IPAddress>();
        private readonly HashSet<IPEndPoint> _channelsRequested = new HashSet<IPEndPoint>();

        public IceRelayTransport(TurnClient client, int localPreference, IceCandidate candidate)
        {
            Client = client;
            LocalPreference = localPreference;
            Candidate = candidate;
        }

        public TurnClient Client { get; }
        public IceCandidate Candidate { get; }
        public int LocalPreference { get; }
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

        /// <summary>
        /// Binds a channel to the peer once; until the server confirms it, sends keep using Send indications, so
        /// nothing waits for it. A refused binding leaves indications in use and may be asked for again later.
        /// </summary>
        public void EnsureChannel(IPEndPoint peer)
        {
            lock (_channelsRequested)
                if (!_channelsRequested.Add(peer)) return;
            Task<ushort> binding;
            try
            {
                binding = Client.BindChannelAsync(peer);
            }
            catch (TurnException)
            {
                lock (_channelsRequested) _channelsRequested.Remove(peer);
                return;
            }
            _ = binding.ContinueWith(t =>
            {
                lock (_channelsRequested) _channelsRequested.Remove(peer);
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
