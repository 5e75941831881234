using System;
using System.Threading;

namespace KinesisVideoWebRTCStorage.Cli
{
    /// <summary>
    /// Collects the young generation once a few MiB have been allocated since the last collection, checked once a
    /// second, for as long as an ingest runs.
    /// </summary>
    /// <remarks>
    /// One ingest keeps about 3 MB alive but allocates steadily, and the GC sizes its young generation from the
    /// machine's cache rather than from that: with nothing collecting it, resident memory climbed from 33 to 47 MiB
    /// over the first two and a half minutes. The GC's own knob for this (GCgen0size) can only be set from the
    /// environment, not by the program; a young collection of so small a heap costs well under a millisecond.
    /// </remarks>
    internal sealed class YoungGenerationBound : IDisposable
    {
        private const long AllocationBetweenCollections = 2 * 1024 * 1024;

        private readonly Timer _timer;
        private long _allocatedAtLastCollection = GC.GetTotalAllocatedBytes();
        private int _collections = GC.CollectionCount(0);

        public YoungGenerationBound() => _timer = new Timer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        private void Check()
        {
            long allocated = GC.GetTotalAllocatedBytes();
            if (GC.CollectionCount(0) != _collections)
            {
                // The GC collected by itself: count from there.
                _collections = GC.CollectionCount(0);
                _allocatedAtLastCollection = allocated;
                return;
            }
            if (allocated - _allocatedAtLastCollection < AllocationBetweenCollections) return;
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            _collections = GC.CollectionCount(0);
            _allocatedAtLastCollection = GC.GetTotalAllocatedBytes();
        }

        public void Dispose() => _timer.Dispose();
    }
}
