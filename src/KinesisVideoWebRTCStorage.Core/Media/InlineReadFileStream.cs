using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace KinesisVideoWebRTCStorage.Media
{
    /// <summary>
    /// A media file opened for reading whose asynchronous reads complete inline. FileStream's ReadAsync hands every read
    /// it cannot serve from its buffer to a thread-pool worker on Unix; a pacer that reads its next frames on a pacing
    /// thread would then wake a worker several times a second for a read that the page cache serves in microseconds.
    /// </summary>
    public sealed class InlineReadFileStream : Stream
    {
        private readonly FileStream _file;

        private InlineReadFileStream(FileStream file) => _file = file;

        public static InlineReadFileStream Open(string path) =>
            new InlineReadFileStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.SequentialScan));

        public override bool CanRead => true;
        public override bool CanSeek => _file.CanSeek;
        public override bool CanWrite => false;
        public override long Length => _file.Length;

        public override long Position
        {
            get => _file.Position;
            set => _file.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(_file.Read(buffer, offset, count));
        }

        public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _file.Dispose();
            base.Dispose(disposing);
        }
    }
}
