using System;
using System.Collections.Generic;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Dtls;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Dtls
{
    /// <summary>
    /// Two bridges joined in memory. Losses are chosen by per-direction datagram index rather than at random, so a test
    /// loses the same handshake messages on every run regardless of thread timing.
    /// </summary>
    internal sealed class LossyLink
    {
        private readonly HashSet<int> _dropAToB;
        private readonly HashSet<int> _dropBToA;
        private readonly bool _dropAll;
        private int _sentAToB = -1;
        private int _sentBToA = -1;
        private int _dropped;

        public LossyLink(IEnumerable<int>? dropAToB = null, IEnumerable<int>? dropBToA = null, bool dropAll = false)
        {
            _dropAToB = new HashSet<int>(dropAToB ?? Enumerable.Empty<int>());
            _dropBToA = new HashSet<int>(dropBToA ?? Enumerable.Empty<int>());
            _dropAll = dropAll;
            A = new DtlsDatagramBridge(d => Forward(d, System.Threading.Interlocked.Increment(ref _sentAToB), _dropAToB, B!));
            B = new DtlsDatagramBridge(d => Forward(d, System.Threading.Interlocked.Increment(ref _sentBToA), _dropBToA, A));
        }

        public DtlsDatagramBridge A { get; }
        public DtlsDatagramBridge B { get; }
        public int Dropped => _dropped;
        public Action<byte[]>? Tap { get; set; }

        private void Forward(byte[] datagram, int index, HashSet<int> drops, DtlsDatagramBridge to)
        {
            Tap?.Invoke(datagram);
            if (_dropAll || drops.Contains(index))
            {
                System.Threading.Interlocked.Increment(ref _dropped);
                return;
            }
            to.Deliver(datagram);
        }
    }
}
