namespace KinesisVideoWebRTCStorage.WebRtc.Srtp
{
    /// <summary>The 64-packet sliding replay window of RFC 3711 §3.3.2, over SRTP packet indices or SRTCP indices.</summary>
    internal sealed class SrtpReplayWindow
    {
        public const int Size = 64;
        private long _highest = -1;
        private ulong _seen; // bit k: index _highest - k was accepted

        public long Highest => _highest;

        /// <summary>False for an index already accepted or too old to tell.</summary>
        public bool IsFresh(long index)
        {
            if (index > _highest) return true;
            long age = _highest - index;
            return age < Size && (_seen & (1UL << (int)age)) == 0;
        }

        /// <summary>
        /// Records an authenticated (or, sending, a protected) index. Indices older than the window change nothing: a
        /// sender's retransmissions go through here too.
        /// </summary>
        public void Accept(long index)
        {
            if (index > _highest)
            {
                long shift = _highest < 0 ? Size : index - _highest;
                _seen = shift >= Size ? 1UL : (_seen << (int)shift) | 1UL;
                _highest = index;
            }
            else if (_highest - index < Size)
            {
                _seen |= 1UL << (int)(_highest - index);
            }
        }
    }
}
