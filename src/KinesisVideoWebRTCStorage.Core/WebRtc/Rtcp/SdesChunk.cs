using System.Collections.Generic;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>The items describing one source.</summary>
    public sealed class SdesChunk
    {
        public SdesChunk(uint source, IReadOnlyList<SdesItem> items)
        {
            Source = source;
            Items = items;
        }

        public uint Source { get; }
        public IReadOnlyList<SdesItem> Items { get; }

        /// <summary>Source, items, the END octet, padded to 32 bits.</summary>
        internal int Length
        {
            get
            {
                int length = 4;
                foreach (var item in Items) length += 1 + RtcpText.EncodedLength(item.Text);
                return (length + 1 + 3) & ~3;
            }
        }
    }
}
