using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.WebRtc.Stun;

namespace KinesisVideoWebRTCStorage.WebRtc.Turn
{
    /// <summary>
    /// Splits the byte stream from a TURN server over TCP or TLS into messages (RFC 8656 section 12.5): the first two
    /// bits of each tell a STUN message (00, length in its header plus 20) from ChannelData (01, length plus 4, padded
    /// to 4 bytes). Both lengths are 16-bit, so a message never needs more than 64 KiB. Anything else means the stream
    /// is out of step and cannot be resynchronised: <see cref="TurnFormatException"/>, and the owner closes it.
    /// </summary>
    public sealed class TurnStreamReader
    {
        private readonly Stream _stream;
        private readonly byte[] _header = new byte[TurnChannelData.HeaderLength];
        private readonly byte[] _padding = new byte[3];
        private long _position;

        public TurnStreamReader(Stream stream)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        }

        /// <summary>
        /// The next message: a whole STUN message, or a ChannelData message without its padding. Null when the server
        /// closed the stream between messages.
        /// </summary>
        public async Task<byte[]?> ReadAsync(CancellationToken cancellationToken = default)
        {
            long start = _position;
            if (!await FillAsync(_header, 0, _header.Length, atBoundary: true, cancellationToken).ConfigureAwait(false)) return null;
            int length = (_header[2] << 8) | _header[3];
            int messageLength, streamLength;
            switch (_header[0] & 0xC0)
            {
                case 0x00:
                    if ((length & 3) != 0) throw new TurnFormatException("STUN message length is not a multiple of 4", start + 2);
                    messageLength = streamLength = StunMessage.HeaderLength + length;
                    break;
                case 0x40:
                    messageLength = TurnChannelData.HeaderLength + length;
                    streamLength = TurnChannelData.PaddedLength(length);
                    break;
                default:
                    throw new TurnFormatException($"byte 0x{_header[0]:X2} starts neither STUN nor ChannelData", start);
            }
            var message = new byte[messageLength];
            Buffer.BlockCopy(_header, 0, message, 0, _header.Length);
            await FillAsync(message, _header.Length, messageLength - _header.Length, atBoundary: false, cancellationToken).ConfigureAwait(false);
            await FillAsync(_padding, 0, streamLength - messageLength, atBoundary: false, cancellationToken).ConfigureAwait(false);
            return message;
        }

        private async Task<bool> FillAsync(byte[] buffer, int offset, int count, bool atBoundary, CancellationToken cancellationToken)
        {
            int filled = 0;
            while (filled < count)
            {
                int read = await _stream.ReadAsync(buffer, offset + filled, count - filled, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (atBoundary && filled == 0) return false;
                    throw new TurnFormatException("the stream ended inside a message", _position);
                }
                filled += read;
                _position += read;
            }
            return true;
        }
    }
}
