using System;

namespace KinesisVideoWebRTCStorage.Media.H264
{
    /// <summary>Removes emulation_prevention_three_byte (00 00 03) from a NAL unit to give its RBSP.</summary>
    public static class EmulationPrevention
    {
        /// <summary>Writes the RBSP of <paramref name="nal"/> into <paramref name="rbsp"/> and returns its length.</summary>
        /// <remarks><paramref name="rbsp"/> must be at least as long as <paramref name="nal"/>; the RBSP is never longer.</remarks>
        public static int Remove(ReadOnlySpan<byte> nal, Span<byte> rbsp)
        {
            if (rbsp.Length < nal.Length) throw new ArgumentException("Destination shorter than the NAL unit.", nameof(rbsp));
            int written = 0, zeros = 0;
            foreach (byte b in nal)
            {
                if (zeros >= 2 && b == 3)
                {
                    zeros = 0;
                    continue;
                }
                zeros = b == 0 ? zeros + 1 : 0;
                rbsp[written++] = b;
            }
            return written;
        }
    }
}
