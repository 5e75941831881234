using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp.Codecs
{
    /// <summary>Splits an H.264 Annex-B byte stream on 3- and 4-byte start codes without copying.</summary>
    public ref struct AnnexBReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _position;

        public AnnexBReader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _position = FindStartCode(data, 0, out int codeLength);
            _position = _position < 0 ? data.Length : _position + codeLength;
        }

        /// <summary>The next NAL unit without its start code and trailing zero bytes; empty units are skipped.</summary>
        public bool TryReadNext(out ReadOnlySpan<byte> nal)
        {
            while (_position < _data.Length)
            {
                int start = _position;
                int next = FindStartCode(_data, start, out int codeLength);
                int end = next < 0 ? _data.Length : next;
                _position = next < 0 ? _data.Length : next + codeLength;
                while (end > start && _data[end - 1] == 0) end--; // trailing_zero_8bits and a 4-byte code's leading zero
                if (end > start)
                {
                    nal = _data.Slice(start, end - start);
                    return true;
                }
            }
            nal = default;
            return false;
        }

        /// <summary>Index of the next 00 00 01 at or after <paramref name="from"/>, or -1.</summary>
        private static int FindStartCode(ReadOnlySpan<byte> data, int from, out int codeLength)
        {
            codeLength = 3;
            int i = from;
            while (i + 2 < data.Length)
            {
                // Find the next 0x01 and look back, which skips most bytes in one vectorized search.
                int one = data.Slice(i + 2).IndexOf((byte)1);
                if (one < 0) return -1;
                int candidate = i + 2 + one;
                if (data[candidate - 1] == 0 && data[candidate - 2] == 0) return candidate - 2;
                i = candidate - 1;
            }
            return -1;
        }
    }
}
