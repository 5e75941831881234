namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    public enum StunClass
    {
        Request = 0,
        Indication = 1,
        SuccessResponse = 2,
        ErrorResponse = 3,
    }

    /// <summary>STUN methods used by ICE (RFC 8489) and TURN (RFC 8656).</summary>
    public static class StunMethod
    {
        public const ushort Binding = 0x001;
        public const ushort Allocate = 0x003;
        public const ushort Refresh = 0x004;
        public const ushort Send = 0x006;
        public const ushort Data = 0x007;
        public const ushort CreatePermission = 0x008;
        public const ushort ChannelBind = 0x009;
    }

    /// <summary>A 12-bit method and 2-bit class, interleaved in the 14-bit type field (RFC 8489 section 5).</summary>
    public readonly struct StunMessageType : System.IEquatable<StunMessageType>
    {
        public StunMessageType(ushort method, StunClass @class)
        {
            Method = (ushort)(method & 0xFFF);
            Class = @class;
        }

        public ushort Method { get; }
        public StunClass Class { get; }

        public static readonly StunMessageType BindingRequest = new StunMessageType(StunMethod.Binding, StunClass.Request);
        public static readonly StunMessageType BindingSuccess = new StunMessageType(StunMethod.Binding, StunClass.SuccessResponse);
        public static readonly StunMessageType BindingError = new StunMessageType(StunMethod.Binding, StunClass.ErrorResponse);
        public static readonly StunMessageType BindingIndication = new StunMessageType(StunMethod.Binding, StunClass.Indication);

        public ushort Value
        {
            get
            {
                int m = Method, c = (int)Class;
                return (ushort)((m & 0x000F) | ((c & 1) << 4) | ((m & 0x0070) << 1) | ((c & 2) << 7) | ((m & 0x0F80) << 2));
            }
        }

        public static StunMessageType FromValue(ushort value)
        {
            int method = (value & 0x000F) | ((value >> 1) & 0x0070) | ((value >> 2) & 0x0F80);
            int @class = ((value >> 4) & 1) | ((value >> 7) & 2);
            return new StunMessageType((ushort)method, (StunClass)@class);
        }

        public bool Equals(StunMessageType other) => Method == other.Method && Class == other.Class;
        public override bool Equals(object? obj) => obj is StunMessageType other && Equals(other);
        public override int GetHashCode() => Value;
        public static bool operator ==(StunMessageType a, StunMessageType b) => a.Equals(b);
        public static bool operator !=(StunMessageType a, StunMessageType b) => !a.Equals(b);
        public override string ToString() => $"method 0x{Method:X3} {Class}";
    }
}
