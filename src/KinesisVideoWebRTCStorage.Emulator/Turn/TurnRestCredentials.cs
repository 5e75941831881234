using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KinesisVideoWebRTCStorage.Emulator.Turn
{
    /// <summary>
    /// Time-limited TURN credentials in coturn's REST-API form (<c>use-auth-secret</c>), the shape KVS
    /// GetIceServerConfig hands out: the username is <c>&lt;expiry in Unix seconds&gt;:&lt;client id&gt;</c> and the
    /// password is base64(HMAC-SHA1(secret, username)), so a server that knows the secret checks them without a user list.
    /// </summary>
    public sealed class TurnRestCredentials
    {
        private readonly byte[] _secret;

        public TurnRestCredentials(string secret)
        {
            _secret = Encoding.UTF8.GetBytes(secret ?? throw new ArgumentNullException(nameof(secret)));
        }

        /// <summary>A username valid until <paramref name="expiry"/> and its password.</summary>
        public (string Username, string Password) Issue(string clientId, DateTimeOffset expiry)
        {
            string username = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + clientId;
            return (username, PasswordFor(username));
        }

        public string PasswordFor(string username)
        {
            using var hmac = new HMACSHA1(_secret);
            return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(username)));
        }

        /// <summary>The expiry a username carries, or null when it does not start with Unix seconds and a colon.</summary>
        public static DateTimeOffset? ExpiryOf(string username)
        {
            int colon = username.IndexOf(':');
            string seconds = colon < 0 ? username : username.Substring(0, colon);
            return long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out long unix) && unix <= 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(unix)
                : null;
        }
    }
}
