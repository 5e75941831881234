using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Rtp
{
    /// <summary>Encodes RFC 8285 extension elements into a caller buffer; pass <see cref="Body"/> and <see cref="Profile"/> to <see cref="RtpPacket.Write"/>.</summary>
    public ref struct RtpExtensionWriter
    {
        private readonly Span<byte> _buffer;
        private int _length;

        public RtpExtensionWriter(Span<byte> buffer, RtpExtensionForm form)
        {
            _buffer = buffer;
            _length = 0;
            Form = form;
        }

        public RtpExtensionForm Form { get; }

        public ushort Profile => Form == RtpExtensionForm.OneByte ? RtpExtensionElements.OneByteProfile : RtpExtensionElements.TwoByteProfile;

        public ReadOnlySpan<byte> Body => _buffer.Slice(0, _length);

        public void Add(int id, ReadOnlySpan<byte> value)
        {
            if (Form == RtpExtensionForm.OneByte)
            {
                if (id < 1 || id > 14) throw new ArgumentOutOfRangeException(nameof(id), "One-byte extension ids are 1-14.");
                if (value.Length < 1 || value.Length > 16) throw new ArgumentOutOfRangeException(nameof(value), "One-byte extension elements carry 1-16 bytes.");
                Reserve(1 + value.Length);
                _buffer[_length++] = (byte)((id << 4) | (value.Length - 1));
            }
            else
            {
                if (id < 1 || id > 255) throw new ArgumentOutOfRangeException(nameof(id), "Two-byte extension ids are 1-255.");
                if (value.Length > 255) throw new ArgumentOutOfRangeException(nameof(value), "Two-byte extension elements carry at most 255 bytes.");
                Reserve(2 + value.Length);
                _buffer[_length++] = (byte)id;
                _buffer[_length++] = (byte)value.Length;
            }
            value.CopyTo(_buffer.Slice(_length));
            _length += value.Length;
        }

        private void Reserve(int count)
        {
            if (_buffer.Length - _length < count) throw new ArgumentException("Extension buffer too small.");
        }
    }
}
