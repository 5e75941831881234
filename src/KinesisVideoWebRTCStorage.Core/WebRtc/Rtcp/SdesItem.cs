using System;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>One SDES item: a type and up to 255 bytes of UTF-8 text.</summary>
    public readonly struct SdesItem
    {
        public SdesItem(SdesItemType type, string text)
        {
            if (type == SdesItemType.End) throw new ArgumentException("END is a terminator, not an item.", nameof(type));
            if (Encoding.UTF8.GetByteCount(text) > RtcpText.MaxLength) throw new ArgumentException("SDES text is at most 255 bytes.", nameof(text));
            Type = type;
            Text = text;
        }

        // Received text is taken as is (see RtcpText).
        private SdesItem(string text, SdesItemType type)
        {
            Type = type;
            Text = text;
        }

        internal static SdesItem FromWire(SdesItemType type, string text) => new SdesItem(text, type);

        public SdesItemType Type { get; }
        public string Text { get; }
    }
}
