using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    internal static class StreamReading
    {
        /// <summary>Reads until <paramref name="count"/> bytes or the end of the stream; returns how many were read.</summary>
        /// <remarks>Pipes return short reads, so one ReadAsync is not enough to fill a header or a page.</remarks>
        public static async ValueTask<int> ReadFullyAsync(this Stream stream, byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            int total = 0;
            while (total < count)
            {
                int read = await stream.ReadAsync(buffer, offset + total, count - total, cancellationToken).ConfigureAwait(false);
                if (read <= 0) break;
                total += read;
            }
            return total;
        }
    }
}
