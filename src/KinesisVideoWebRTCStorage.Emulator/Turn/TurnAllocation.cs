using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using KinesisVideoWebRTCStorage.WebRtc.Turn;

namespace KinesisVideoWebRTCStorage.Emulator.Turn
{
    /// <summary>
    /// One TURN allocation (RFC 8656 section 2.2): a relay UDP socket owned by one client link, the peers allowed to
    /// reach it (permissions, section 9) and the channels bound to peers (section 12), each with its expiry. Datagrams
    /// from a permitted peer go to the client as ChannelData when a channel is bound to that peer, else in a Data
    /// indication; anything else is dropped and counted.
    /// </summary>
    internal sealed class TurnAllocation : IDisposable
    {
        /// <summary>Distinct peer addresses one allocation may permit; ICE with one remote peer needs a handful.</summary>
        public const int MaxPermissions = 64;

        private const int MaxDatagram = 65535;

        private readonly object _lock = new object();
        private readonly Dictionary<IPAddress, DateTime> _permissions = new Dictionary<IPAddress, DateTime>();
        private readonly Dictionary<ushort, Binding> _channelsByNumber = new Dictionary<ushort, Binding>();
        private readonly Dictionary<IPEndPoint, ushort> _channelsByPeer = new Dictionary<IPEndPoint, ushort>();
        private readonly Socket _relay;
        private readonly TimeSpan _permissionLifetime;
        private readonly TimeSpan _channelLifetime;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        // Room for a ChannelData header before the datagram and its stream padding after, so relaying copies nothing.
        private readonly byte[] _receiveBuffer = new byte[TurnChannelData.HeaderLength + MaxDatagram + 3];
        private long _relayedToPeers;
        private long _relayedToClient;
        private long _dropped;

        public TurnAllocation(TurnClientLink link, Socket relay, IPEndPoint relayedAddress, string username, ReadOnlySpan<byte> allocateTransaction,
            TimeSpan lifetime, TimeSpan permissionLifetime, TimeSpan channelLifetime)
        {
            Link = link;
            _relay = relay;
            RelayedAddress = relayedAddress;
            Username = username;
            AllocateTransaction = allocateTransaction.ToArray();
            _permissionLifetime = permissionLifetime;
            _channelLifetime = channelLifetime;
            Refresh(lifetime);
        }

        public TurnClientLink Link { get; }
        public IPEndPoint RelayedAddress { get; }

        /// <summary>Later requests on this allocation must carry the same username (RFC 8656 section 5, 441 otherwise).</summary>
        public string Username { get; }

        /// <summary>The Allocate transaction, so that a retransmission is answered again rather than refused with 437.</summary>
        public byte[] AllocateTransaction { get; }

        public TimeSpan Lifetime { get; private set; }
        public DateTime Expires { get; private set; }
        public long RelayedToPeers => Interlocked.Read(ref _relayedToPeers);
        public long RelayedToClient => Interlocked.Read(ref _relayedToClient);

        /// <summary>Datagrams refused: from or to a peer without a permission, or on an unbound channel.</summary>
        public long Dropped => Interlocked.Read(ref _dropped);

        public void Refresh(TimeSpan lifetime)
        {
            lock (_lock)
            {
                Lifetime = lifetime;
                Expires = DateTime.UtcNow + lifetime;
            }
        }

        public bool IsExpired(DateTime now)
        {
            lock (_lock) return now >= Expires;
        }

        /// <summary>Installs or renews a permission; false when the allocation already holds <see cref="MaxPermissions"/> others.</summary>
        public bool Permit(IPAddress peer)
        {
            lock (_lock) return PermitLocked(peer, DateTime.UtcNow);
        }

        private bool PermitLocked(IPAddress peer, DateTime now)
        {
            if (!_permissions.ContainsKey(peer) && _permissions.Count >= MaxPermissions) return false;
            _permissions[peer] = now + _permissionLifetime;
            return true;
        }

        /// <summary>
        /// Binds or renews a channel and its peer's permission. Null on success, else why it is refused: the number is
        /// bound to another peer, the peer to another number (RFC 8656 section 12.2), or no permission fits.
        /// </summary>
        public string? BindChannel(ushort number, IPEndPoint peer)
        {
            lock (_lock)
            {
                var now = DateTime.UtcNow;
                if (_channelsByNumber.TryGetValue(number, out var bound) && !bound.Peer.Equals(peer))
                    return $"channel 0x{number:X4} is bound to another peer";
                if (_channelsByPeer.TryGetValue(peer, out ushort other) && other != number)
                    return $"the peer is bound to channel 0x{other:X4}";
                if (!PermitLocked(peer.Address, now)) return "no room for another permission";
                _channelsByNumber[number] = new Binding(peer, now + _channelLifetime);
                _channelsByPeer[peer] = number;
                return null;
            }
        }

        /// <summary>Sends a client's datagram from the relay to the peer, if a permission lets it through.</summary>
        public void SendToPeer(ReadOnlySpan<byte> data, IPEndPoint peer)
        {
            bool permitted;
            lock (_lock) permitted = IsPermittedLocked(peer.Address, DateTime.UtcNow);
            if (!permitted)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            try
            {
                _relay.SendTo(data, SocketFlags.None, peer);
                Interlocked.Increment(ref _relayedToPeers);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                Interlocked.Increment(ref _dropped);
            }
        }

        /// <summary>Relays ChannelData from the client to the peer bound to its channel.</summary>
        public void SendOnChannel(ushort number, ReadOnlySpan<byte> data)
        {
            IPEndPoint? peer = null;
            lock (_lock)
                if (_channelsByNumber.TryGetValue(number, out var binding) && binding.Expires > DateTime.UtcNow) peer = binding.Peer;
            if (peer == null)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            SendToPeer(data, peer);
        }

        private bool IsPermittedLocked(IPAddress peer, DateTime now) => _permissions.TryGetValue(peer, out var expires) && expires > now;

        /// <summary>Forgets permissions and channels past their lifetime.</summary>
        public void Expire(DateTime now)
        {
            lock (_lock)
            {
                foreach (var expired in _channelsByNumber.Where(c => c.Value.Expires <= now).ToList())
                {
                    _channelsByPeer.Remove(expired.Value.Peer);
                    _channelsByNumber.Remove(expired.Key);
                }
                foreach (var peer in _permissions.Where(p => p.Value <= now).Select(p => p.Key).ToList()) _permissions.Remove(peer);
            }
        }

        public void Start() => _ = Task.Run(() =>
            DatagramReceiver.RunAsync(_relay, _receiveBuffer.AsMemory(TurnChannelData.HeaderLength, MaxDatagram), ForwardToClient, _stop.Token));

        private void ForwardToClient(IPEndPoint peer, int length)
        {
            ushort channel = 0;
            bool permitted;
            lock (_lock)
            {
                var now = DateTime.UtcNow;
                permitted = IsPermittedLocked(peer.Address, now);
                if (permitted && _channelsByPeer.TryGetValue(peer, out ushort number) && _channelsByNumber[number].Expires > now) channel = number;
            }
            if (!permitted)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            if (channel != 0)
            {
                _receiveBuffer[0] = (byte)(channel >> 8);
                _receiveBuffer[1] = (byte)channel;
                _receiveBuffer[2] = (byte)(length >> 8);
                _receiveBuffer[3] = (byte)length;
                int total = Link.IsStream ? TurnChannelData.PaddedLength(length) : TurnChannelData.HeaderLength + length;
                _receiveBuffer.AsSpan(TurnChannelData.HeaderLength + length, total - TurnChannelData.HeaderLength - length).Clear();
                Link.Send(_receiveBuffer.AsSpan(0, total));
            }
            else
            {
                Link.Send(new StunMessageBuilder(new StunMessageType(StunMethod.Data, StunClass.Indication), StunMessageBuilder.NewTransactionId())
                    .AddXorAddress(StunAttributeType.XorPeerAddress, peer)
                    .Add(StunAttributeType.Data, _receiveBuffer.AsSpan(TurnChannelData.HeaderLength, length))
                    .AddFingerprint().ToArray());
            }
            Interlocked.Increment(ref _relayedToClient);
        }

        public void Dispose()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            _relay.Dispose();
        }

        public override string ToString() => $"allocation {RelayedAddress} for {Link}";

        private readonly struct Binding
        {
            public Binding(IPEndPoint peer, DateTime expires)
            {
                Peer = peer;
                Expires = expires;
            }

            public IPEndPoint Peer { get; }
            public DateTime Expires { get; }
        }
    }
}
