using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>
    /// The TCP or TLS connection to a TURN server (RFC 8656 section 3.1). It hands every message that
    /// <see cref="TurnStreamReader"/> splits off to a callback, and queues what it is given to send: one writer drains the
    /// queue, so a sender (the ICE agent sends while holding its lock) never waits on the socket. The allocation lives
    /// as long as the connection (RFC 8656 section 3.1), so once it closes, the owner's checks and consent fail on it.
    /// </summary>
    public sealed class TurnStreamConnection : IDisposable
    {
        /// <summary>What may wait to be written; past it, messages are dropped as UDP would lose them.</summary>
        public const int MaxQueuedBytes = 4 * 1024 * 1024;

        /// <summary>How long <see cref="Dispose"/> lets queued messages (the deallocating Refresh) go out before closing.</summary>
        private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

        private readonly TurnServer _server;
        private readonly RemoteCertificateValidationCallback? _validateCertificate;
        private readonly TimeSpan _connectTimeout;
        private readonly TcpClient _tcp;
        private readonly ConcurrentQueue<byte[]> _queue = new ConcurrentQueue<byte[]>();
        private readonly SemaphoreSlim _queued = new SemaphoreSlim(0);
        private readonly CancellationTokenSource _closed = new CancellationTokenSource();
        private Stream? _stream;
        private long _queuedBytes;
        private long _dropped;
        private long _framingErrors;
        private int _disposing;

        /// <param name="validateCertificate">
        /// For TLS: replaces the default validation (chain to a trusted root and a name matching
        /// <see cref="TurnServer.HostName"/>), e.g. to pin a test server's self-signed certificate.
        /// </param>
        public TurnStreamConnection(TurnServer server, RemoteCertificateValidationCallback? validateCertificate = null, TimeSpan? connectTimeout = null)
        {
            _server = server ?? throw new ArgumentNullException(nameof(server));
            if (server.Transport == TurnTransport.Udp) throw new ArgumentException("A UDP TURN server needs no connection.", nameof(server));
            _validateCertificate = validateCertificate;
            _connectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10);
            _tcp = new TcpClient(server.Address.AddressFamily) { NoDelay = true };
        }

        public TurnServer Server => _server;

        /// <summary>Messages dropped because the connection was closed or the send queue was full.</summary>
        public long Dropped => Interlocked.Read(ref _dropped);

        /// <summary>Times the server's stream could not be split into messages (each closes the connection).</summary>
        public long FramingErrors => Interlocked.Read(ref _framingErrors);

        public bool IsClosed => _closed.IsCancellationRequested;

        /// <summary>
        /// Connects (and for TLS completes the handshake) within the connect timeout, then starts delivering messages
        /// to <paramref name="onMessage"/> on a background task. Failures are <see cref="TurnException"/>s.
        /// </summary>
        public async Task ConnectAsync(Action<byte[]> onMessage, CancellationToken cancellationToken = default)
        {
            if (onMessage == null) throw new ArgumentNullException(nameof(onMessage));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            timeout.CancelAfter(_connectTimeout);
            try
            {
                await WithCancellation(_tcp.ConnectAsync(_server.Address.Address, _server.Address.Port), timeout.Token).ConfigureAwait(false);
                Stream stream = _tcp.GetStream();
                if (_server.Transport == TurnTransport.Tls)
                {
                    var tls = new SslStream(stream, false, _validateCertificate);
                    stream = tls;
                    await WithCancellation(tls.AuthenticateAsClientAsync(_server.HostName), timeout.Token).ConfigureAwait(false);
                }
                _stream = stream;
            }
            catch (Exception e) when (e is SocketException || e is IOException || e is AuthenticationException || e is OperationCanceledException
                || e is ObjectDisposedException)
            {
                Close();
                cancellationToken.ThrowIfCancellationRequested();
                string why = e is OperationCanceledException ? $"no answer within {_connectTimeout.TotalSeconds:0.#} s" : e.Message;
                string what = _server.Transport == TurnTransport.Tls ? "a TLS connection" : "a TCP connection";
                throw new TurnException($"TURN server {_server.Address} ({_server.HostName}) refused {what}: {why}");
            }
            _ = Task.Run(() => ReadLoop(onMessage));
            _ = Task.Run(WriteLoop);
        }

        /// <summary>Queues a whole STUN or (padded) ChannelData message; never blocks.</summary>
        public void Send(byte[] message)
        {
            if (IsClosed || Volatile.Read(ref _disposing) != 0)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            if (Interlocked.Add(ref _queuedBytes, message.Length) > MaxQueuedBytes)
            {
                Interlocked.Add(ref _queuedBytes, -message.Length);
                Interlocked.Increment(ref _dropped);
                return;
            }
            _queue.Enqueue(message);
            _queued.Release();
        }

        private async Task ReadLoop(Action<byte[]> onMessage)
        {
            var reader = new TurnStreamReader(_stream!);
            try
            {
                while (!IsClosed)
                {
                    byte[]? message = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                    if (message == null) break;
                    onMessage(message);
                }
            }
            catch (TurnFormatException)
            {
                Interlocked.Increment(ref _framingErrors);
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is OperationCanceledException || e is SocketException)
            {
                // The server or Dispose closed the connection.
            }
            Close();
        }

        private async Task WriteLoop()
        {
            try
            {
                while (true)
                {
                    bool draining = Volatile.Read(ref _disposing) != 0;
                    if (!_queue.TryDequeue(out var message))
                    {
                        if (draining) break;
                        await _queued.WaitAsync(_closed.Token).ConfigureAwait(false);
                        continue;
                    }
                    Interlocked.Add(ref _queuedBytes, -message.Length);
                    await _stream!.WriteAsync(message, 0, message.Length, _closed.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is OperationCanceledException || e is SocketException)
            {
                // Closed under us; what is still queued is lost, as on a dead path.
            }
            Close();
        }

        private static async Task WithCancellation(Task task, CancellationToken cancellationToken)
        {
            // netstandard2.0's ConnectAsync and AuthenticateAsClientAsync take no token; closing the socket aborts them.
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    _ = task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    throw new OperationCanceledException(cancellationToken);
                }
            }
            await task.ConfigureAwait(false);
        }

        private void Close()
        {
            if (_closed.IsCancellationRequested) return;
            _closed.Cancel();
            _stream?.Dispose();
            _tcp.Dispose();
        }

        /// <summary>Lets what is queued go out (at most about a second, without blocking the caller), then closes.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposing, 1) != 0) return;
            if (_stream == null)
            {
                Close();
                return;
            }
            _queued.Release();
            _ = Task.Delay(DrainTimeout).ContinueWith(_ => Close(), TaskScheduler.Default);
        }

        public override string ToString() => $"TURN stream {_server}";
    }
}
