using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>
    /// The ChannelData message (RFC 8656 section 12.4): a 2-byte channel number, a 2-byte length and the application
    /// data, 4 bytes of overhead instead of the 36 or more of a Send or Data indication. Over TCP and TLS it is padded
    /// to a multiple of 4 bytes so that the next message stays aligned; over UDP padding is optional.
    /// </summary>
    public static class TurnChannelData
    {
        public const int HeaderLength = 4;

        /// <summary>Channel numbers a client may bind (RFC 8656 section 12); 0x5000-0xFFFF are reserved.</summary>
        public const ushort MinChannel = 0x4000;
        public const ushort MaxChannel = 0x4FFF;

        public static bool IsValidChannel(int channel) => channel >= MinChannel && channel <= MaxChannel;

        /// <summary>The first two bits are 01 (RFC 8656 section 12; STUN starts with 00), a cheap test for demultiplexing.</summary>
        public static bool LooksLikeChannelData(ReadOnlySpan<byte> message) => message.Length > 0 && (message[0] & 0xC0) == 0x40;

        /// <summary>The length of the message with its padding to a multiple of 4, as it occupies a stream.</summary>
        public static int PaddedLength(int dataLength) => (HeaderLength + dataLength + 3) & ~3;

        public static byte[] Build(ushort channel, ReadOnlySpan<byte> data, bool pad)
        {
            if (!IsValidChannel(channel)) throw new ArgumentOutOfRangeException(nameof(channel), "Channel numbers are 0x4000-0x4FFF.");
            if (data.Length > ushort.MaxValue) throw new ArgumentException("ChannelData carries at most 65535 bytes.", nameof(data));
            var message = new byte[pad ? PaddedLength(data.Length) : HeaderLength + data.Length];
            message[0] = (byte)(channel >> 8);
            message[1] = (byte)channel;
            message[2] = (byte)(data.Length >> 8);
            message[3] = (byte)data.Length;
            data.CopyTo(message.AsSpan(HeaderLength));
            return message;
        }

        /// <summary>
        /// Splits a message into its channel number and data. At most 3 bytes of padding may follow the data: anything
        /// else, a short message or a channel number outside 0x4000-0x4FFF is a <see cref="TurnFormatException"/>.
        /// </summary>
        public static ushort Parse(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> data)
        {
            if (message.Length < HeaderLength) throw new TurnFormatException("ChannelData is shorter than its 4-byte header", message.Length);
            ushort channel = (ushort)((message[0] << 8) | message[1]);
            if (!IsValidChannel(channel)) throw new TurnFormatException($"channel number 0x{channel:X4} is outside 0x4000-0x4FFF", 0);
            int length = (message[2] << 8) | message[3];
            int available = message.Length - HeaderLength;
            if (length > available) throw new TurnFormatException($"ChannelData claims {length} bytes but carries {available}", 2);
            if (available - length > 3) throw new TurnFormatException($"{available - length} bytes follow the ChannelData, more than padding", HeaderLength + length);
            data = message.Slice(HeaderLength, length);
            return channel;
        }
    }
}
