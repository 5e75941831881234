using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KinesisVideoWebRTCStorage.Media;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Media
{
    public class InlineReadFileStreamTests
    {
        [Fact]
        public async Task AsynchronousReadsCompleteOnTheCallersThreadWithTheFilesBytes()
        {
            string path = Path.GetTempFileName();
            var content = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
            File.WriteAllBytes(path, content);
            try
            {
                using var stream = InlineReadFileStream.Open(path);
                var read = new MemoryStream();
                var buffer = new byte[16 * 1024];
                while (true)
                {
                    var pending = stream.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None);
                    Assert.True(pending.IsCompleted); // no thread-pool hop
                    int n = await pending;
                    if (n == 0) break;
                    read.Write(buffer, 0, n);
                }
                Assert.Equal(content, read.ToArray());

                stream.Position = 99_990; // the Matroska demuxer seeks
                Assert.Equal(10, await stream.ReadAsync(buffer, 0, buffer.Length));
                Assert.Equal(content.Skip(99_990), buffer.Take(10));
                await Assert.ThrowsAnyAsync<System.OperationCanceledException>(() => stream.ReadAsync(buffer, 0, 1, new CancellationToken(true)));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
