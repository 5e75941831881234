namespace KinesisVideoWebRTCStorage.WebRtc.Sdp
{
    /// <summary>A line other than v=, o=, s=, m= and a= (for example t=, c=, b=), kept in order so it is written back unchanged.</summary>
    public sealed class SdpLine
    {
        public SdpLine(char type, string value)
        {
            Type = type;
            Value = value;
        }

        public char Type { get; }
        public string Value { get; }

        public override string ToString() => Type + "=" + Value;
    }
}
