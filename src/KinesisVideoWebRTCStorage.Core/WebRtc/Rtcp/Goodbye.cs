using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtcp
{
    /// <summary>BYE (RFC 3550 §6.6).</summary>
    public sealed class Goodbye : RtcpPacket
    {
        public Goodbye(IReadOnlyList<uint> sources, string? reason = null) : this(reason, sources)
        {
            RequireCount(sources.Count, 31, "BYE sources");
            if (reason != null && Encoding.UTF8.GetByteCount(reason) > RtcpText.MaxLength) throw new ArgumentException("BYE reason is at most 255 bytes.", nameof(reason));
        }

        // Received reasons are taken as is (see RtcpText).
        private Goodbye(string? reason, IReadOnlyList<uint> sources)
        {
            Sources = sources;
            Reason = reason;
        }

        public override RtcpPacketType PacketType => RtcpPacketType.Goodbye;
        public IReadOnlyList<uint> Sources { get; }
        public string? Reason { get; }

        protected override int CountOrFormat => Sources.Count;

        protected override int BodyLength =>
            Sources.Count * 4 + (Reason == null ? 0 : (RtcpText.EncodedLength(Reason) + 3) & ~3);

        protected override void WriteBody(Span<byte> body)
        {
            for (int i = 0; i < Sources.Count; i++) BinaryPrimitives.WriteUInt32BigEndian(body.Slice(i * 4), Sources[i]);
            if (Reason == null) return;
            var rest = body.Slice(Sources.Count * 4);
            rest.Clear();
            RtcpText.Write(rest, Reason);
        }

        internal static Goodbye Parse(int count, ReadOnlySpan<byte> body)
        {
            Require(body.Length >= count * 4, "BYE sources run past the packet", HeaderLength);
            var sources = new uint[count];
            for (int i = 0; i < count; i++) sources[i] = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(i * 4));
            string? reason = null;
            var rest = body.Slice(count * 4);
            if (rest.Length > 0)
            {
                int length = rest[0];
                Require(rest.Length - 1 >= length, "BYE reason runs past the packet", HeaderLength + count * 4);
                reason = RtcpText.Read(rest.Slice(1, length));
            }
            return new Goodbye(reason, sources);
        }
    }
}
