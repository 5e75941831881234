namespace KinesisVideoWebRTCStorage.WebRtc.Ice
{
    public enum IceNominationMode
    {
        /// <summary>Check first, then repeat the check on a valid pair with USE-CANDIDATE (RFC 8445 section 8.1.1).</summary>
        Regular,

        /// <summary>Every check carries USE-CANDIDATE, so the first pair to succeed is used (RFC 5245 behavior, faster).</summary>
        Aggressive,
    }
}
