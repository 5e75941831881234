namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    /// <summary>An ERROR-CODE attribute value: a 300-699 code and a reason phrase.</summary>
    public readonly struct StunErrorCode
    {
        public StunErrorCode(int code, string reason)
        {
            Code = code;
            Reason = reason;
        }

        public int Code { get; }
        public string Reason { get; }

        public const int Unauthorized = 401;
        public const int UnknownAttribute = 420;
        public const int StaleNonce = 438;
        public const int RoleConflict = 487;

        public override string ToString() => $"{Code} {Reason}";
    }
}
