using System;
using System.IO;
using System.Net;

namespace KinesisVideoWebRTCStorage.Emulator.Turn
{
    /// <summary>A client on one TCP connection: STUN and padded ChannelData framed on the stream.</summary>
    internal sealed class StreamClientLink : TurnClientLink
    {
        private readonly Stream _stream;
        private readonly object _writeLock = new object();
        private bool _broken;

        public StreamClientLink(Stream stream, IPEndPoint remote) : base(remote)
        {
            _stream = stream;
        }

        public override bool IsStream => true;

        public override string TransportName => "tcp";

        /// <summary>Set once a write failed: the connection is going away and its allocation with it.</summary>
        public bool Broken => _broken;

        public override void Send(ReadOnlySpan<byte> message)
        {
            lock (_writeLock)
            {
                if (_broken) return;
                try
                {
                    _stream.Write(message);
                }
                catch (Exception e) when (e is IOException || e is ObjectDisposedException)
                {
                    _broken = true;
                }
            }
        }
    }
}
