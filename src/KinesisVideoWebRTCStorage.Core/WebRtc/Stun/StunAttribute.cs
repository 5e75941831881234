using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Stun
{
    /// <summary>One attribute of a parsed message: its type, its value without padding, and where its header starts.</summary>
    public readonly struct StunAttribute
    {
        internal StunAttribute(ushort type, ReadOnlyMemory<byte> value, int offset)
        {
            Type = type;
            Value = value;
            Offset = offset;
        }

        public ushort Type { get; }
        public ReadOnlyMemory<byte> Value { get; }

        /// <summary>Offset of the attribute header within the message, which integrity and fingerprint checks need.</summary>
        internal int Offset { get; }

        public override string ToString() => $"0x{Type:X4} ({Value.Length} bytes)";
    }
}
