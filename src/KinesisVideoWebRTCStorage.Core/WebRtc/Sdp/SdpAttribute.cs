namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>An <c>a=name</c> or <c>a=name:value</c> line, kept verbatim so unknown attributes survive a round trip.</summary>
    public sealed class SdpAttribute
    {
        public SdpAttribute(string name, string? value = null)
        {
            Name = name;
            Value = value;
        }

        public string Name { get; }

        /// <summary>Null for a property attribute such as <c>a=rtcp-mux</c>.</summary>
        public string? Value { get; }

        internal string ToLine() => Value == null ? "a=" + Name : "a=" + Name + ":" + Value;

        public override string ToString() => Name == "ice-pwd" ? "a=ice-pwd:<redacted>" : ToLine();
    }
}
