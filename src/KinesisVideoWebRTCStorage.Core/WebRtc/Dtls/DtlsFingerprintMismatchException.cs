using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Dtls
{
    /// <summary>The peer's DTLS certificate does not hash to the fingerprint its SDP announced: someone else is on the path.</summary>
    public sealed class DtlsFingerprintMismatchException : Exception
    {
        public DtlsFingerprintMismatchException(DtlsFingerprint expected, DtlsFingerprint? actual)
            : base($"The peer's DTLS certificate does not match the fingerprint from its SDP (expected {expected}, got {actual?.ToString() ?? "no certificate"}).")
        {
            Expected = expected;
            Actual = actual;
        }

        public DtlsFingerprint Expected { get; }
        public DtlsFingerprint? Actual { get; }
    }
}
