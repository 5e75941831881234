using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using Org.BouncyCastle.Tls;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>
    /// Bridges the blocking BouncyCastle <see cref="DatagramTransport"/> to our packet flow: the ICE layer calls
    /// <see cref="Deliver"/> with each DTLS datagram, and what the TLS engine sends goes to the send callback. Datagrams
    /// with bad record framing, oversize ones, and those arriving while the queue is full are dropped and counted.
    /// </summary>
    public class DtlsDatagramBridge : DatagramTransport, IDisposable
    {
        /// <summary>Fits a UDP payload on a 1280-byte IPv6 path with room for IP, UDP and TURN headers.</summary>
        public const int DefaultMtu = 1200;

        private const int MaxDatagram = 16384 + 2048 + DtlsRecordHeader.Length;

        private readonly Action<byte[]> _send;
        private readonly int _mtu;
        private readonly BlockingCollection<byte[]> _incoming;
        private long _droppedMalformed;
        private long _droppedOverflow;
        private int _closed;

        public DtlsDatagramBridge(Action<byte[]> send, int mtu = DefaultMtu, int queueCapacity = 128)
        {
            _send = send ?? throw new ArgumentNullException(nameof(send));
            _mtu = mtu;
            _incoming = new BlockingCollection<byte[]>(new ConcurrentQueue<byte[]>(), queueCapacity);
        }

        public long DroppedMalformed => Interlocked.Read(ref _droppedMalformed);
        public long DroppedOverflow => Interlocked.Read(ref _droppedOverflow);
        public bool IsClosed => Volatile.Read(ref _closed) != 0;

        /// <summary>Hands a received datagram to the TLS engine; never throws on bad input.</summary>
        public void Deliver(ReadOnlySpan<byte> datagram)
        {
            if (IsClosed) return;
            try
            {
                if (datagram.Length > MaxDatagram) throw new DtlsFormatException("datagram is larger than any record");
                DtlsRecordHeader.ParseDatagram(datagram);
            }
            catch (DtlsFormatException)
            {
                Interlocked.Increment(ref _droppedMalformed);
                return;
            }
            try
            {
                if (!_incoming.TryAdd(datagram.ToArray())) Interlocked.Increment(ref _droppedOverflow);
            }
            catch (InvalidOperationException)
            {
                // Closed between the check and the add.
            }
        }

        public int GetReceiveLimit() => MaxDatagram;

        public int GetSendLimit() => _mtu;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        /// <remarks>
        /// BouncyCastle's .NET 6+ build adds this overload and <see cref="Send(ReadOnlySpan{byte})"/> to
        /// <see cref="DatagramTransport"/>; its netstandard2.0 build, which this library compiles against, lacks them.
        /// Being public and virtual, they implement those interface methods by name and signature when the .NET 6+ build
        /// is the one loaded (the CLI, the emulator, the tests); without them that load fails.
        /// </remarks>
        public virtual int Receive(Span<byte> buffer, int waitMillis)
        {
            byte[]? datagram;
            try
            {
                if (!_incoming.TryTake(out datagram, Math.Max(0, waitMillis))) return IsClosed ? throw Closed() : -1;
            }
            catch (InvalidOperationException)
            {
                throw Closed();
            }
            int length = Math.Min(buffer.Length, datagram.Length);
            datagram.AsSpan(0, length).CopyTo(buffer);
            return length;
        }

        public void Send(byte[] buf, int off, int len) => Send(new ReadOnlySpan<byte>(buf, off, len));

        public virtual void Send(ReadOnlySpan<byte> buffer)
        {
            if (IsClosed) return;
            _send(buffer.ToArray());
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0) _incoming.CompleteAdding();
        }

        public void Dispose() => Close();

        private static IOException Closed() => new IOException("The DTLS transport is closed.");
    }
}
