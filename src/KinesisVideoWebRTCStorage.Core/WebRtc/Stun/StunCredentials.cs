using System.Security.Cryptography;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    /// <summary>Keys for STUN message integrity.</summary>
    public static class StunCredentials
    {
        /// <summary>
        /// The short-term credential key (RFC 8489 section 9.1.1) is the password itself. ICE passwords are restricted to
        /// ice-chars (RFC 8839), which OpaqueString leaves unchanged, so no profile processing is needed.
        /// </summary>
        public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(password);

        /// <summary>
        /// The long-term credential key of TURN (RFC 8489 section 9.2.2): MD5 of "username:realm:password". The
        /// OpaqueString profile is not applied, which only matters for non-ASCII passwords.
        /// </summary>
        public static byte[] LongTermKey(string username, string realm, string password)
        {
            using var md5 = MD5.Create();
            return md5.ComputeHash(Encoding.UTF8.GetBytes(username + ":" + realm + ":" + password));
        }
    }
}
