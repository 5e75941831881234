using SrtpProtectionProfile = KinesisVideoWebRTCStorage.WebRtc.Srtp.SrtpProtectionProfile;
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Org.BouncyCastle.Tls;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>
    /// An established DTLS-SRTP association (RFC 5764) over a <see cref="DtlsDatagramBridge"/>: the handshake result, the
    /// exported SRTP keys, and a reader that keeps answering the peer's retransmissions and notices close_notify.
    /// Dispose sends close_notify.
    /// </summary>
    public sealed class DtlsSession : IDisposable
    {
        public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(30);

        private readonly DtlsTransport _transport;
        private readonly DtlsDatagramBridge _bridge;
        private readonly Thread _reader;
        private int _disposed;

        private DtlsSession(DtlsRole role, DtlsTransport transport, DtlsDatagramBridge bridge, DtlsSrtpContext context)
        {
            Role = role;
            _transport = transport;
            _bridge = bridge;
            SrtpKeys = context.Keys!;
            RemoteFingerprint = context.ActualRemote!;
            context.RemoteClosed = () => RemoteClosed?.Invoke();
            _reader = new Thread(ReadLoop) { IsBackground = true, Name = "DTLS reader" };
            _reader.Start();
        }

        public DtlsRole Role { get; }
        public DtlsSrtpKeys SrtpKeys { get; }
        public SrtpProtectionProfile Profile => SrtpKeys.Profile;
        public DtlsFingerprint RemoteFingerprint { get; }

        /// <summary>Raised on the reader thread when the peer sends close_notify.</summary>
        public event Action? RemoteClosed;

        /// <summary>
        /// Runs the handshake on a dedicated thread: BouncyCastle blocks for up to the timeout, which on the thread pool
        /// would starve timers such as ICE's. Throws <see cref="DtlsFingerprintMismatchException"/>
        /// when the peer's certificate is not the one its SDP announced, <see cref="OperationCanceledException"/> when
        /// cancelled, and <see cref="IOException"/> for other handshake failures.
        /// </summary>
        /// <param name="profiles">The SRTP protection profiles to negotiate, most preferred first; <see cref="DtlsSrtpContext.DefaultProfiles"/> when null.</param>
        public static Task<DtlsSession> HandshakeAsync(DtlsRole role, DtlsDatagramBridge bridge, DtlsCertificate certificate,
            DtlsFingerprint expectedRemoteFingerprint, CancellationToken cancellationToken = default, TimeSpan? timeout = null,
            IReadOnlyList<SrtpProtectionProfile>? profiles = null)
        {
            var context = new DtlsSrtpContext(certificate, expectedRemoteFingerprint, (int)(timeout ?? DefaultHandshakeTimeout).TotalMilliseconds, profiles);
            return Task.Factory.StartNew(() =>
            {
                using var registration = cancellationToken.Register(bridge.Close);
                try
                {
                    // No HelloVerifyRequest round trip: ICE has already checked that the peer answers at this address.
                    DtlsTransport transport = role == DtlsRole.Client
                        ? new DtlsClientProtocol().Connect(new DtlsSrtpClient(context), bridge)
                        : new DtlsServerProtocol { VerifyRequests = false }.Accept(new DtlsSrtpServer(context), bridge);
                    return new DtlsSession(role, transport, bridge, context);
                }
                catch (Exception e) when (!(e is DtlsFingerprintMismatchException))
                {
                    bridge.Close();
                    if (context.FingerprintMismatch) throw new DtlsFingerprintMismatchException(expectedRemoteFingerprint, context.ActualRemote);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new IOException($"DTLS handshake as {role} failed: {e.Message}", e);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        private void ReadLoop()
        {
            var buffer = new byte[_transport.GetReceiveLimit()];
            try
            {
                // Application data is not used by WebRTC media; reading keeps the record layer answering retransmitted
                // final flights and processing alerts. Closing the bridge ends a wait at once, so the wait can be long:
                // a short one would only wake this thread for nothing.
                while (Volatile.Read(ref _disposed) == 0) _transport.Receive(buffer, 0, buffer.Length, 5000);
            }
            catch (Exception)
            {
                // Local close, a fatal alert or a transport failure ends the association; on this background thread
                // nothing may escape, and the bridge is closed below either way.
            }
            finally
            {
                _bridge.Close();
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try
            {
                _transport.Close(); // sends close_notify, then closes the bridge
            }
            catch (IOException)
            {
                // The transport was already gone; nothing left to notify.
            }
            _bridge.Close();
            if (Thread.CurrentThread != _reader) _reader.Join(TimeSpan.FromSeconds(2));
        }

        public override string ToString() => $"DTLS session ({Role}, {Profile})";
    }
}
