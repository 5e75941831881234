using System;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Signaling;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Signaling
{
    /// <summary>The client side of the signaling WebSocket against a small WebSocket server on 127.0.0.1.</summary>
    public sealed class SignalingConnectionTests : IDisposable
    {
        private readonly HttpListener listener = new HttpListener();
        private readonly int port;

        public SignalingConnectionTests()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
        }

        public void Dispose() => listener.Close();

        private Uri Url => new Uri($"ws://127.0.0.1:{port}/?X-Amz-ChannelARN=x&X-Amz-Signature=supersecretsignature");

        private async Task<WebSocket> AcceptAsync()
        {
            var context = await listener.GetContextAsync();
            return (await context.AcceptWebSocketAsync(null)).WebSocket;
        }

        private static Task SendText(WebSocket socket, string text) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

        [Fact]
        public async Task ReceivesMessagesDropsBadOnesAndEndsOnClose()
        {
            var serverTask = Task.Run(async () =>
            {
                var server = await AcceptAsync();
                await SendText(server, "not json at all");
                await SendText(server, "{\"messageType\":\"" + new string('X', SignalingConnection.MaxReceiveBytes + 10) + "\"}");
                await server.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
                await SendText(server, "{\"messageType\":\"GO_AWAY\"}");
                var buffer = new byte[4096];
                var received = await server.ReceiveAsync(buffer, CancellationToken.None);
                var answer = Encoding.UTF8.GetString(buffer, 0, received.Count);
                await server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return answer;
            });

            using var connection = await SignalingConnection.ConnectAsync(Url, TimeSpan.FromSeconds(5), CancellationToken.None);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var first = await connection.ReceiveAsync(timeout.Token);
            Assert.Equal(SignalingMessageType.GO_AWAY, first!.MessageType);
            Assert.Equal(3, connection.DroppedMessages);

            await connection.SendAsync(new ClientMessage(SignalingMessageType.SDP_ANSWER, "e30=", correlationId: "a-1"), timeout.Token);
            Assert.Contains("\"correlationId\":\"a-1\"", await serverTask.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Null(await connection.ReceiveAsync(timeout.Token));
            Assert.False(connection.IsOpen);
        }

        [Fact]
        public async Task ARefusalNamesTheEndpointButNotTheSignature()
        {
            var serverTask = Task.Run(async () =>
            {
                var context = await listener.GetContextAsync();
                context.Response.StatusCode = 403;
                context.Response.Close();
            });
            var error = await Assert.ThrowsAsync<SignalingConnectException>(() => SignalingConnection.ConnectAsync(Url, TimeSpan.FromSeconds(5), CancellationToken.None));
            await serverTask.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains($"ws://127.0.0.1:{port}/", error.Message);
            Assert.DoesNotContain("supersecretsignature", error.Message);
            Assert.Contains("403", error.Message);
        }

        [Fact]
        public async Task ASilentServerTimesOut()
        {
            var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            try
            {
                var url = new Uri($"ws://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
                var error = await Assert.ThrowsAsync<SignalingConnectException>(() => SignalingConnection.ConnectAsync(url, TimeSpan.FromMilliseconds(300), CancellationToken.None));
                Assert.Contains("did not accept the connection within 0.3 s", error.Message);
            }
            finally
            {
                silent.Stop();
            }
        }
    }
}
