using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>
    /// SRTP master keys and salts exported after the handshake (RFC 5764 section 4.2): the client protects what it sends
    /// with the client write key and salt, the server with the server ones.
    /// </summary>
    public sealed class DtlsSrtpKeys
    {
        public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

        /// <summary>Two master keys and two master salts of the profile's sizes.</summary>
        public static int MaterialLength(SrtpProtectionProfile profile) => 2 * (profile.MasterKeyLength() + profile.MasterSaltLength());

        private DtlsSrtpKeys(SrtpProtectionProfile profile, byte[] clientKey, byte[] serverKey, byte[] clientSalt, byte[] serverSalt, bool isClient)
        {
            Profile = profile;
            ClientWriteKey = clientKey;
            ServerWriteKey = serverKey;
            ClientWriteSalt = clientSalt;
            ServerWriteSalt = serverSalt;
            IsClient = isClient;
        }

        public SrtpProtectionProfile Profile { get; }
        public ReadOnlyMemory<byte> ClientWriteKey { get; }
        public ReadOnlyMemory<byte> ServerWriteKey { get; }
        public ReadOnlyMemory<byte> ClientWriteSalt { get; }
        public ReadOnlyMemory<byte> ServerWriteSalt { get; }

        /// <summary>Whether we were the DTLS client, which decides which half is ours.</summary>
        public bool IsClient { get; }

        public ReadOnlyMemory<byte> LocalKey => IsClient ? ClientWriteKey : ServerWriteKey;
        public ReadOnlyMemory<byte> LocalSalt => IsClient ? ClientWriteSalt : ServerWriteSalt;
        public ReadOnlyMemory<byte> RemoteKey => IsClient ? ServerWriteKey : ClientWriteKey;
        public ReadOnlyMemory<byte> RemoteSalt => IsClient ? ServerWriteSalt : ClientWriteSalt;

        /// <summary>Splits the exporter output laid out as client key, server key, client salt, server salt.</summary>
        internal static DtlsSrtpKeys FromKeyingMaterial(SrtpProtectionProfile profile, byte[] material, bool isClient)
        {
            if (material.Length != MaterialLength(profile)) throw new ArgumentException("Keying material has the wrong length.", nameof(material));
            int keyLength = profile.MasterKeyLength(), saltLength = profile.MasterSaltLength();
            byte[] Slice(int offset, int length)
            {
                var part = new byte[length];
                Buffer.BlockCopy(material, offset, part, 0, length);
                return part;
            }
            return new DtlsSrtpKeys(profile, Slice(0, keyLength), Slice(keyLength, keyLength), Slice(2 * keyLength, saltLength),
                Slice(2 * keyLength + saltLength, saltLength), isClient);
        }

        public override string ToString() => $"SRTP keys ({Profile}, {(IsClient ? "client" : "server")})";
    }
}
