using System;
using System.Net;

namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>A TURN server over UDP and its long-term credentials (as KVS GetIceServerConfig returns them).</summary>
    public sealed class TurnServer
    {
        public TurnServer(IPEndPoint address, string username, string password)
        {
            Address = address ?? throw new ArgumentNullException(nameof(address));
            Username = username ?? throw new ArgumentNullException(nameof(username));
            Password = password ?? throw new ArgumentNullException(nameof(password));
        }

        public IPEndPoint Address { get; }
        public string Username { get; }
        public string Password { get; }

        public override string ToString() => $"turn:{Address} user={Username} password=<redacted>";
    }
}
