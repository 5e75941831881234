namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>The <c>o=</c> line.</summary>
    public sealed class SdpOrigin
    {
        public SdpOrigin(string username, ulong sessionId, ulong sessionVersion, string networkType = "IN", string addressType = "IP4",
            string address = "127.0.0.1")
        {
            Username = username;
            SessionId = sessionId;
            SessionVersion = sessionVersion;
            NetworkType = networkType;
            AddressType = addressType;
            Address = address;
        }

        public string Username { get; }
        public ulong SessionId { get; }
        public ulong SessionVersion { get; }
        public string NetworkType { get; }
        public string AddressType { get; }
        public string Address { get; }

        internal static SdpOrigin Parse(string value, int line)
        {
            string[] parts = value.Split(' ');
            if (parts.Length != 6) throw new SdpFormatException($"line {line}: o= needs 6 fields");
            if (!ulong.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out ulong id)
                || !ulong.TryParse(parts[2], System.Globalization.NumberStyles.None, null, out ulong version))
                throw new SdpFormatException($"line {line}: o= session id and version must be numbers");
            return new SdpOrigin(parts[0], id, version, parts[3], parts[4], parts[5]);
        }

        public override string ToString() => $"{Username} {SessionId} {SessionVersion} {NetworkType} {AddressType} {Address}";
    }
}
