using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Signaling;

namespace KinesisVideoWebRTCStorage.Emulator
{
    /// <summary>One signaling WebSocket: the channel's master (no client id) or a viewer.</summary>
    public sealed class SignalingPeer
    {
        private readonly SemaphoreSlim sendLock = new SemaphoreSlim(1, 1);

        internal SignalingPeer(string channelArn, string? clientId, WebSocket socket)
        {
            ChannelArn = channelArn;
            ClientId = clientId;
            Socket = socket;
            ConnectedAt = LastMessageAt = DateTime.UtcNow;
        }

        public string ChannelArn { get; }
        public string? ClientId { get; }
        public bool IsMaster => ClientId == null;
        internal WebSocket Socket { get; }
        public DateTime ConnectedAt { get; }
        public DateTime LastMessageAt { get; internal set; }

        /// <summary>Set while a storage session streams through this master, so it is never idle.</summary>
        public bool InStorageSession { get; set; }

        internal async Task SendAsync(ServiceMessage message)
        {
            var bytes = SignalingCodec.Encode(message);
            await sendLock.WaitAsync().ConfigureAwait(false);
            try
            {
                if (Socket.State == WebSocketState.Open)
                    await Socket.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException || e is IOException || e is ObjectDisposedException)
            {
                // The peer went away; its receive loop ends the connection.
            }
            finally
            {
                sendLock.Release();
            }
        }

        internal async Task CloseAsync(WebSocketCloseStatus status, string reason)
        {
            try
            {
                if (Socket.State == WebSocketState.Open || Socket.State == WebSocketState.CloseReceived)
                    await Socket.CloseOutputAsync(status, reason, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException || e is IOException || e is ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>
    /// Relays the KVS signaling protocol between a channel's master and its viewers, with the service's rules:
    /// one master per channel (the latest wins), STATUS_RESPONSE for refused messages that carry a correlationId,
    /// the 10 KB message limit, an idle timeout and a connection lifetime. Messages a master sends without a
    /// recipient go to the storage session, as do those of a viewer that joined it.
    /// </summary>
    public sealed class SignalingHub
    {
        private readonly EmulatorOptions options;
        private readonly ConcurrentDictionary<string, SignalingPeer> masters = new ConcurrentDictionary<string, SignalingPeer>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<(string Channel, string Client), SignalingPeer> viewers = new ConcurrentDictionary<(string, string), SignalingPeer>();
        private long relayed;

        public SignalingHub(EmulatorOptions options)
        {
            this.options = options;
        }

        /// <summary>Messages a master sent to no recipient: the storage session's answer and candidates.</summary>
        public event Action<SignalingPeer, ClientMessage>? MasterMessageToStorage;

        /// <summary>
        /// Takes a viewer's message when the viewer is in the channel's storage session (its answer and candidates go to
        /// the session, not the master); returns false to relay it to the master as without storage.
        /// </summary>
        public Func<SignalingPeer, ClientMessage, bool>? ViewerMessageToStorage { get; set; }

        public long RelayedMessages => Interlocked.Read(ref relayed);

        public SignalingPeer? Master(string channelArn) => masters.TryGetValue(channelArn, out var master) ? master : null;

        public SignalingPeer? Viewer(string channelArn, string clientId) => viewers.TryGetValue((channelArn, clientId), out var viewer) ? viewer : null;

        public IEnumerable<SignalingPeer> Peers => masters.Values.Concat(viewers.Values);

        /// <summary>Sends a storage-service message (no senderClientId) to one of the channel's viewers.</summary>
        public async Task<bool> SendToViewerAsync(string channelArn, string clientId, ServiceMessage message)
        {
            var viewer = Viewer(channelArn, clientId);
            if (viewer == null) return false;
            await viewer.SendAsync(message).ConfigureAwait(false);
            return true;
        }

        /// <summary>Sends a storage-service message (no senderClientId) to the channel's master.</summary>
        public async Task<bool> SendToMasterAsync(string channelArn, ServiceMessage message)
        {
            var master = Master(channelArn);
            if (master == null) return false;
            await master.SendAsync(message).ConfigureAwait(false);
            return true;
        }

        /// <summary>GO_AWAY or RECONNECT_ICE_SERVER to every connection of a channel; GO_AWAY closes them after the grace period.</summary>
        public async Task<int> InjectAsync(string channelArn, SignalingMessageType type)
        {
            var targets = Peers.Where(p => p.ChannelArn == channelArn).ToList();
            foreach (var peer in targets) await peer.SendAsync(new ServiceMessage(type)).ConfigureAwait(false);
            if (type == SignalingMessageType.GO_AWAY)
                _ = Task.Delay(options.GoAwayGrace).ContinueWith(_ => Task.WhenAll(targets.Select(p => p.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "GO_AWAY grace period over"))));
            return targets.Count;
        }

        /// <summary>Closes every signaling connection as going away: the emulator is stopping.</summary>
        public Task CloseAllAsync(string reason) =>
            Task.WhenAll(Peers.ToList().Select(peer => peer.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, reason)));

        public async Task RunAsync(string channelArn, string? clientId, WebSocket socket)
        {
            var peer = new SignalingPeer(channelArn, clientId, socket);
            SignalingPeer? replaced = null;
            if (peer.IsMaster)
            {
                masters.AddOrUpdate(channelArn, peer, (_, previous) =>
                {
                    replaced = previous;
                    return peer;
                });
            }
            else
            {
                viewers.AddOrUpdate((channelArn, clientId!), peer, (_, previous) =>
                {
                    replaced = previous;
                    return peer;
                });
            }
            if (replaced != null) await replaced.CloseAsync(WebSocketCloseStatus.PolicyViolation, "replaced by a newer connection").ConfigureAwait(false);

            using var watchdog = new CancellationTokenSource();
            var watching = WatchAsync(peer, watchdog.Token);
            try
            {
                await ReceiveLoopAsync(peer).ConfigureAwait(false);
            }
            finally
            {
                watchdog.Cancel();
                if (peer.IsMaster) ((ICollection<KeyValuePair<string, SignalingPeer>>)masters).Remove(new KeyValuePair<string, SignalingPeer>(channelArn, peer));
                else ((ICollection<KeyValuePair<(string, string), SignalingPeer>>)viewers).Remove(new KeyValuePair<(string, string), SignalingPeer>((channelArn, clientId!), peer));
                await watching.ConfigureAwait(false);
            }
        }

        private async Task WatchAsync(SignalingPeer peer, CancellationToken stop)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(50, options.IdleTimeout.TotalMilliseconds / 4))), stop).ConfigureAwait(false);
                    var now = DateTime.UtcNow;
                    if (now - peer.ConnectedAt >= options.ConnectionLifetime)
                    {
                        await peer.CloseAsync(WebSocketCloseStatus.NormalClosure, "connection lifetime reached").ConfigureAwait(false);
                        return;
                    }
                    if (!peer.InStorageSession && now - peer.LastMessageAt >= options.IdleTimeout)
                    {
                        await peer.CloseAsync(WebSocketCloseStatus.NormalClosure, "idle timeout").ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task ReceiveLoopAsync(SignalingPeer peer)
        {
            var buffer = new byte[SignalingCodec.MaxMessageBytes + 1];
            var overflow = new byte[16 * 1024];
            while (true)
            {
                int length = 0;
                WebSocketReceiveResult result;
                try
                {
                    do
                    {
                        // Past the limit the rest is read away; the start is kept to find a correlationId.
                        var target = length < buffer.Length
                            ? new ArraySegment<byte>(buffer, length, buffer.Length - length)
                            : new ArraySegment<byte>(overflow);
                        result = await peer.Socket.ReceiveAsync(target, CancellationToken.None).ConfigureAwait(false);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            await peer.CloseAsync(WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
                            return;
                        }
                        if (length < buffer.Length) length += result.Count;
                    }
                    while (!result.EndOfMessage);
                }
                catch (Exception e) when (e is WebSocketException || e is IOException || e is ObjectDisposedException)
                {
                    return;
                }

                peer.LastMessageAt = DateTime.UtcNow;
                var bytes = new ReadOnlyMemory<byte>(buffer, 0, length);
                if (length > SignalingCodec.MaxMessageBytes)
                {
                    await RefuseAsync(peer, SignalingCodec.TryReadCorrelationId(bytes.Span),
                        $"The message is larger than the {SignalingCodec.MaxMessageBytes}-byte limit.").ConfigureAwait(false);
                    continue;
                }

                ClientMessage message;
                try
                {
                    message = SignalingCodec.DecodeClientMessage(bytes);
                }
                catch (SignalingFormatException e)
                {
                    await RefuseAsync(peer, SignalingCodec.TryReadCorrelationId(bytes.Span), e.Message).ConfigureAwait(false);
                    continue;
                }
                await RouteAsync(peer, message).ConfigureAwait(false);
            }
        }

        private async Task RouteAsync(SignalingPeer sender, ClientMessage message)
        {
            if (sender.IsMaster)
            {
                if (message.RecipientClientId == null)
                {
                    var storage = MasterMessageToStorage;
                    if (storage == null)
                    {
                        await RefuseAsync(sender, message.CorrelationId, "The message has no recipientClientId and no storage session is active.").ConfigureAwait(false);
                        return;
                    }
                    Interlocked.Increment(ref relayed);
                    storage(sender, message);
                    return;
                }
                if (!viewers.TryGetValue((sender.ChannelArn, message.RecipientClientId), out var viewer))
                {
                    await RefuseAsync(sender, message.CorrelationId, $"The recipient {message.RecipientClientId} is not connected.").ConfigureAwait(false);
                    return;
                }
                Interlocked.Increment(ref relayed);
                await viewer.SendAsync(new ServiceMessage(message.Action, message.MessagePayload)).ConfigureAwait(false);
                return;
            }

            if (ViewerMessageToStorage?.Invoke(sender, message) == true)
            {
                Interlocked.Increment(ref relayed);
                return;
            }
            var master = Master(sender.ChannelArn);
            if (master == null)
            {
                await RefuseAsync(sender, message.CorrelationId, "The channel has no connected master.").ConfigureAwait(false);
                return;
            }
            Interlocked.Increment(ref relayed);
            await master.SendAsync(new ServiceMessage(message.Action, message.MessagePayload, sender.ClientId)).ConfigureAwait(false);
        }

        private static Task RefuseAsync(SignalingPeer peer, string? correlationId, string description) =>
            correlationId == null
                ? Task.CompletedTask
                : peer.SendAsync(new ServiceMessage(SignalingMessageType.STATUS_RESPONSE,
                    statusResponse: new StatusResponse(correlationId, "InvalidArgumentException", "400", description)));
    }
}
