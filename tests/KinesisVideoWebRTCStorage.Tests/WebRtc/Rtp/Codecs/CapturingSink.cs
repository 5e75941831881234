using System;
using System.Collections.Generic;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Rtp.Codecs
{
    /// <summary>Copies every emitted packet and checks the promised trailer room.</summary>
    internal sealed class CapturingSink : IRtpPacketSink
    {
        public List<byte[]> Packets { get; } = new List<byte[]>();

        public void OnRtpPacket(byte[] buffer, int length)
        {
            Xunit.Assert.True(buffer.Length - length >= RtpPacketEmitter.TrailerRoom, "no trailer room");
            Packets.Add(buffer.AsSpan(0, length).ToArray());
        }
    }

    /// <summary>Counts packets without keeping them, for allocation measurements.</summary>
    internal sealed class CountingSink : IRtpPacketSink
    {
        public int Count;
        public long Bytes;

        public void OnRtpPacket(byte[] buffer, int length)
        {
            Count++;
            Bytes += length;
        }
    }
}
