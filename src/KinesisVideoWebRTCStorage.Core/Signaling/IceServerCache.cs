using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.WebRtc;

namespace KinesisVideoWebRTCStorage.Signaling
{
    /// <summary>
    /// The ICE servers for a channel's connections: KVS's STUN server (off loopback) and the TURN servers of
    /// GetIceServerConfig, fetched again a little before their credentials expire or after RECONNECT_ICE_SERVER.
    /// </summary>
    public sealed class IceServerCache
    {
        private readonly KvsConnection _connection;
        private readonly Uri _httpsEndpoint;
        private readonly string _channelArn;
        private readonly string? _clientId;
        private readonly bool _loopbackOnly;
        private IReadOnlyList<RtcIceServer>? _servers;
        private DateTime _expires;

        /// <param name="clientId">A viewer's client id; null for the master.</param>
        public IceServerCache(KvsConnection connection, Uri httpsEndpoint, string channelArn, string? clientId, bool loopbackOnly)
        {
            _connection = connection;
            _httpsEndpoint = httpsEndpoint;
            _channelArn = channelArn;
            _clientId = clientId;
            _loopbackOnly = loopbackOnly;
        }

        /// <summary>Forgets the servers, so the next connection fetches fresh TURN credentials.</summary>
        public void Invalidate() => _servers = null;

        public async Task<IReadOnlyList<RtcIceServer>> GetAsync(CancellationToken cancellationToken)
        {
            var cached = _servers;
            if (cached != null && DateTime.UtcNow < _expires) return cached;
            var servers = new List<RtcIceServer>();
            // The STUN server helps only off loopback; KVS's is stun:stun.kinesisvideo.<region>.amazonaws.com:443.
            if (!_loopbackOnly) servers.Add(new RtcIceServer(new[] { KvsEndpoints.StunUri(_connection.Region.Name) }));
            var turn = await _connection.Signaling(_httpsEndpoint).GetIceServerConfigAsync(_channelArn, _clientId, cancellationToken: cancellationToken).ConfigureAwait(false);
            servers.AddRange(turn.Select(s => new RtcIceServer(s.Uris, s.Username, s.Password)));
            // Refresh a little before the shortest TTL runs out; without TURN servers there is nothing to expire.
            int ttl = turn.Select(s => s.Ttl ?? 300).DefaultIfEmpty(300).Min();
            _expires = DateTime.UtcNow + TimeSpan.FromSeconds(Math.Max(10, ttl - 30));
            _servers = servers;
            return servers;
        }
    }
}
