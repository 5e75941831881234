using System;
using System.IO;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage.Signaling
{
    /// <summary>The signaling WebSocket could not be opened (refused, 403, timeout).</summary>
    public sealed class SignalingConnectException : Exception
    {
        public SignalingConnectException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>
    /// One signaling WebSocket: sends client messages, receives service messages. Malformed or oversized service
    /// messages are dropped and counted, never thrown, so a hostile peer cannot end the session.
    /// </summary>
    public sealed class SignalingConnection : IDisposable
    {
        /// <summary>Service messages are bounded too; SDP offers fit well within this.</summary>
        public const int MaxReceiveBytes = 64 * 1024;

        private readonly ClientWebSocket socket;
        private readonly SemaphoreSlim sendLock = new SemaphoreSlim(1, 1);
        private readonly byte[] receiveBuffer = new byte[MaxReceiveBytes];
        private int droppedMessages;

        private SignalingConnection(ClientWebSocket socket, string endpoint)
        {
            this.socket = socket;
            Endpoint = endpoint;
        }

        /// <summary>The endpoint without query, safe to show.</summary>
        public string Endpoint { get; }

        public int DroppedMessages => droppedMessages;
        public bool IsOpen => socket.State == WebSocketState.Open;
        public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;
        public string? CloseStatusDescription => socket.CloseStatusDescription;

        /// <param name="trustedAuthorities">Extra CAs to trust (AWS_CA_BUNDLE), or null for the system's alone.</param>
        public static async Task<SignalingConnection> ConnectAsync(Uri presignedUrl, TimeSpan timeout, CancellationToken cancellationToken, CaBundle? trustedAuthorities = null)
        {
            var socket = new ClientWebSocket();
            trustedAuthorities?.ApplyTo(socket);
            // Keeps the connection from the service's 10-minute idle close.
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(10);
            var endpoint = SignalingUrl.Redact(presignedUrl);
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(presignedUrl, connectTimeout.Token).ConfigureAwait(false);
                return new SignalingConnection(socket, endpoint);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new SignalingConnectException($"The signaling endpoint {endpoint} did not accept the connection within {timeout.TotalSeconds:0.#} s.");
            }
            catch (WebSocketException e)
            {
                socket.Dispose();
                // The exception text never includes the presigned query, but name only the endpoint to be sure.
                if (CaBundle.IsUntrustedCertificate(e))
                    throw new SignalingConnectException($"The signaling endpoint {endpoint} presented a TLS certificate that is not trusted. {CaBundle.Advice}", e);
                throw new SignalingConnectException($"The signaling endpoint {endpoint} refused the connection: {e.Message} " +
                    "A 403 means the credentials, the channel ARN or the clock are wrong.", e);
            }
        }

        public async Task SendAsync(ClientMessage message, CancellationToken cancellationToken)
        {
            var bytes = SignalingCodec.Encode(message);
            await sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                sendLock.Release();
            }
        }

        /// <summary>The next valid service message, or null once the socket has closed.</summary>
        public async Task<ServiceMessage?> ReceiveAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                int length = 0;
                bool oversized = false;
                WebSocketReceiveResult result;
                while (true)
                {
                    if (length == receiveBuffer.Length)
                    {
                        // Too large to be a signaling message: read the rest away and drop it.
                        oversized = true;
                        length = 0;
                    }
                    try
                    {
                        result = await socket.ReceiveAsync(new ArraySegment<byte>(receiveBuffer, length, receiveBuffer.Length - length), cancellationToken)
                            .ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is WebSocketException || e is IOException)
                    {
                        return null;
                    }
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await CloseQuietlyAsync().ConfigureAwait(false);
                        return null;
                    }
                    length += result.Count;
                    if (result.EndOfMessage) break;
                }

                if (oversized || result.MessageType != WebSocketMessageType.Text)
                {
                    Interlocked.Increment(ref droppedMessages);
                    continue;
                }
                try
                {
                    return SignalingCodec.DecodeServiceMessage(new ReadOnlyMemory<byte>(receiveBuffer, 0, length));
                }
                catch (SignalingFormatException)
                {
                    Interlocked.Increment(ref droppedMessages);
                }
            }
        }

        public async Task CloseAsync(TimeSpan timeout)
        {
            if (socket.State != WebSocketState.Open) return;
            using var bound = new CancellationTokenSource(timeout);
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "closing", bound.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException || e is OperationCanceledException || e is IOException)
            {
                socket.Abort();
            }
        }

        private async Task CloseQuietlyAsync()
        {
            try
            {
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException || e is IOException)
            {
            }
        }

        public void Dispose()
        {
            socket.Dispose();
            sendLock.Dispose();
        }
    }
}
