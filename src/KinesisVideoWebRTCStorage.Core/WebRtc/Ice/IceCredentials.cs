using System;
using System.Security.Cryptography;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    /// <summary>An ICE username fragment and password (RFC 8445 section 5.3). ToString never shows the password.</summary>
    public sealed class IceCredentials
    {
        private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

        public IceCredentials(string ufrag, string password)
        {
            Ufrag = ufrag ?? throw new ArgumentNullException(nameof(ufrag));
            Password = password ?? throw new ArgumentNullException(nameof(password));
        }

        public string Ufrag { get; }
        public string Password { get; }

        /// <summary>Random credentials: 8 ice-chars of ufrag (24 bits of entropy required) and 24 of password (128 bits).</summary>
        public static IceCredentials Generate() => new IceCredentials(RandomIceChars(8), RandomIceChars(24));

        private static string RandomIceChars(int length)
        {
            var bytes = new byte[length];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            var text = new StringBuilder(length);
            foreach (byte b in bytes) text.Append(IceChars[b & 63]);
            return text.ToString();
        }

        public override string ToString() => $"ufrag={Ufrag} pwd=<redacted>";
    }
}
