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
    }
}
