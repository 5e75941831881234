using System;
using KinesisVideoWebRTCStorage.Media;
using KinesisVideoWebRTCStorage.Media.Matroska;

namespace KinesisVideoWebRTCStorage.Tests.Media.Matroska
{
    /// <summary>Builds small Matroska files by hand for cases ffmpeg does not write: lacing, unknown sizes, BlockGroups.</summary>
    internal sealed class MkvBuilder : IDisposable
    {
        private readonly PooledBuffer _buffer = new PooledBuffer();

        public MkvBuilder Header(string docType = "matroska")
        {
            int ebml = EbmlWriter.StartMaster(_buffer, MatroskaIds.Ebml);
            EbmlWriter.WriteString(_buffer, MatroskaIds.DocType, docType);
            EbmlWriter.EndMaster(_buffer, ebml);
            return this;
        }

        /// <summary>An unknown-size Segment, as a live writer produces.</summary>
        public MkvBuilder LiveSegment()
        {
            EbmlWriter.WriteId(_buffer, MatroskaIds.Segment);
            _buffer.Append(new byte[] { 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF });
            return this;
        }

        public MkvBuilder Tracks(string codecId, byte[] codecPrivate, int type = MatroskaIds.TrackTypeAudio, ulong codecDelayNs = 0)
        {
            int tracks = EbmlWriter.StartMaster(_buffer, MatroskaIds.Tracks);
            int entry = EbmlWriter.StartMaster(_buffer, MatroskaIds.TrackEntry);
            EbmlWriter.WriteUInt(_buffer, MatroskaIds.TrackNumber, 1);
            EbmlWriter.WriteUInt(_buffer, MatroskaIds.TrackType, (ulong)type);
            EbmlWriter.WriteString(_buffer, MatroskaIds.CodecId, codecId);
            EbmlWriter.WriteBinary(_buffer, MatroskaIds.CodecPrivate, codecPrivate);
            if (codecDelayNs > 0) EbmlWriter.WriteUInt(_buffer, MatroskaIds.CodecDelay, codecDelayNs);
            EbmlWriter.EndMaster(_buffer, entry);
            EbmlWriter.EndMaster(_buffer, tracks);
            return this;
        }

        /// <summary>An unknown-size Cluster with its Timestamp (ms).</summary>
        public MkvBuilder LiveCluster(ulong timestampMs)
        {
            EbmlWriter.WriteId(_buffer, MatroskaIds.Cluster);
            _buffer.Append(new byte[] { 0xFF });
            EbmlWriter.WriteUInt(_buffer, MatroskaIds.Timestamp, timestampMs);
            return this;
        }

        /// <summary>A SimpleBlock for track 1; lacing 0 none, 1 Xiph, 2 fixed, 3 EBML.</summary>
        public MkvBuilder SimpleBlock(short relativeMs, int lacing, params byte[][] frames) =>
            Element(MatroskaIds.SimpleBlock, BlockBody(relativeMs, 0x80, lacing, frames));

        public MkvBuilder BlockGroup(short relativeMs, int lacing, params byte[][] frames)
        {
            int group = EbmlWriter.StartMaster(_buffer, MatroskaIds.BlockGroup);
            EbmlWriter.WriteBinary(_buffer, MatroskaIds.Block, BlockBody(relativeMs, 0, lacing, frames));
            EbmlWriter.EndMaster(_buffer, group);
            return this;
        }

        public MkvBuilder Element(uint id, byte[] body)
        {
            EbmlWriter.WriteBinary(_buffer, id, body);
            return this;
        }

        public MkvBuilder Raw(params byte[] bytes)
        {
            _buffer.Append(bytes);
            return this;
        }

        public byte[] ToArray() => _buffer.Span.ToArray();

        private static byte[] BlockBody(short relativeMs, byte keyFlag, int lacing, byte[][] frames)
        {
            using var body = new PooledBuffer();
            body.Append(new byte[] { 0x81, (byte)(relativeMs >> 8), (byte)relativeMs, (byte)(keyFlag | (lacing << 1)) });
            if (lacing != 0)
            {
                body.Append(new[] { (byte)(frames.Length - 1) });
                for (int i = 0; i < frames.Length - 1; i++)
                {
                    if (lacing == 1)
                    {
                        int size = frames[i].Length;
                        for (; size >= 255; size -= 255) body.Append(new byte[] { 255 });
                        body.Append(new[] { (byte)size });
                    }
                    else if (lacing == 3)
                    {
                        // First size as a 2-byte vint, then signed differences as 2-byte vints (bias 8191).
                        long value = i == 0 ? frames[0].Length : frames[i].Length - frames[i - 1].Length + 8191;
                        body.Append(new[] { (byte)(0x40 | (value >> 8)), (byte)value });
                    }
                }
            }
            foreach (var frame in frames) body.Append(frame);
            return body.Span.ToArray();
        }

        public void Dispose() => _buffer.Dispose();
    }
}
