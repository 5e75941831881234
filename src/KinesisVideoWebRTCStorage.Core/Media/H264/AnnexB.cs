using System;

namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>Start-code scanning for Annex-B byte streams, shared by the stream reader and in-memory splitting.</summary>
    public static class AnnexB
    {
        /// <summary>Index of the first zero of the next 00 00 01 in <paramref name="data"/>, or -1.</summary>
        public static int FindStartCode(ReadOnlySpan<byte> data)
        {
            int at = 0;
            while (true)
            {
                int one = data.Slice(at).IndexOf((byte)1);
                if (one < 0) return -1;
                int index = at + one;
                if (index >= 2 && data[index - 1] == 0 && data[index - 2] == 0) return index - 2;
                at = index + 1;
            }
        }

        /// <summary>
        /// Takes the next NAL unit from an in-memory Annex-B buffer: skips to a start code, returns the bytes up to the
        /// next one without trailing zeros, and advances <paramref name="data"/>. False when no NAL unit is left.
        /// </summary>
        public static bool TryReadNal(ref ReadOnlySpan<byte> data, out ReadOnlySpan<byte> nal)
        {
            while (true)
            {
                nal = default;
                int start = FindStartCode(data);
                if (start < 0) return false;
                data = data.Slice(start + 3);
                int next = FindStartCode(data);
                nal = next < 0 ? data : data.Slice(0, next);
                data = next < 0 ? ReadOnlySpan<byte>.Empty : data.Slice(next);
                int end = nal.Length;
                while (end > 0 && nal[end - 1] == 0) end--;
                nal = nal.Slice(0, end);
                if (!nal.IsEmpty) return true;
            }
        }
    }
}
