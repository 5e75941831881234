using System;
using System.Buffers.Binary;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtcp;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Srtp
{
    public class SrtpSessionTests
    {
        // The keys Corpus/generate.py protected the seeds with.
        private static readonly byte[] MasterKey = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        private static readonly byte[] MasterSalt = Enumerable.Range(0x21, 14).Select(i => (byte)i).ToArray();

        public static TheoryData<bool> HmacPaths => new TheoryData<bool> { true, false };

        internal static SrtpSession Create(SrtpProtectionProfile profile = SrtpProtectionProfile.Aes128CmHmacSha1_80, bool platformHmac = true) =>
            new SrtpSession(profile, MasterKey, MasterSalt, key => platformHmac ? new PlatformHmacSha1(key) : new Sha1Hmac(key));

        private static byte[] Rtp(ushort sequence, int payloadLength = 100, uint ssrc = 0xCAFEBABE)
        {
            var buffer = new byte[12 + payloadLength + SrtpProtectionProfiles.MaxTrailerLength];
            var payload = Enumerable.Range(0, payloadLength).Select(i => (byte)(i * 7)).ToArray();
            RtpPacket.Write(buffer, new RtpHeader(96, sequence, 1234, ssrc), payload);
            return buffer;
        }

        [Theory]
        [MemberData(nameof(HmacPaths))]
        public void UnprotectsPacketsProtectedByAnIndependentImplementation(bool platformHmac)
        {
            using var receiver = Create(platformHmac: platformHmac);
            var seed = SeedCorpus.Load("srtp", "seq1-roc0");
            Assert.True(receiver.TryUnprotectRtp(seed, seed.Length, out int length));
            var packet = RtpPacket.Parse(seed.AsSpan(0, length));
            Assert.Equal(1, packet.Header.SequenceNumber);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => (byte)i).ToArray(), packet.Payload.ToArray());

            var withExtension = SeedCorpus.Load("srtp", "ext-seq2-roc0");
            Assert.True(receiver.TryUnprotectRtp(withExtension, withExtension.Length, out length));
            Assert.Equal(Enumerable.Repeat((byte)'x', 33), RtpPacket.Parse(withExtension.AsSpan(0, length)).Payload.ToArray());

            using var receiver32 = Create(SrtpProtectionProfile.Aes128CmHmacSha1_32, platformHmac);
            var short32 = SeedCorpus.Load("srtp", "seq3-roc0-tag32");
            Assert.True(receiver32.TryUnprotectRtp(short32, short32.Length, out length));
            Assert.Equal("opus frame", System.Text.Encoding.ASCII.GetString(RtpPacket.Parse(short32.AsSpan(0, length)).Payload.ToArray()));

            var rtcp = SeedCorpus.Load("srtcp", "sr-sdes-index0");
            Assert.True(receiver.TryUnprotectRtcp(rtcp, rtcp.Length, out length));
            Assert.Equal(SeedCorpus.Load("rtcp", "sr-sdes"), rtcp.AsSpan(0, length).ToArray());
            Assert.Equal(0, receiver.Counters.AuthenticationFailures);
        }

        [Theory]
        [MemberData(nameof(HmacPaths))]
        public void ProtectMatchesTheIndependentImplementationByteForByte(bool platformHmac)
        {
            using var sender = Create(platformHmac: platformHmac);
            var expected = SeedCorpus.Load("srtcp", "sr-sdes-index0");
            var buffer = new byte[200];
            var plain = SeedCorpus.Load("rtcp", "sr-sdes");
            plain.CopyTo(buffer, 0);
            int length = sender.ProtectRtcp(buffer, plain.Length);
            Assert.Equal(expected, buffer.AsSpan(0, length).ToArray());

            var srtp = SeedCorpus.Load("srtp", "seq1-roc0");
            using var receiver = Create();
            var copy = (byte[])srtp.Clone();
            Assert.True(receiver.TryUnprotectRtp(copy, copy.Length, out int rtpLength));
            var again = new byte[copy.Length];
            copy.AsSpan(0, rtpLength).CopyTo(again);
            Assert.Equal(srtp.Length, sender.ProtectRtp(again, rtpLength));
            Assert.Equal(srtp, again);
        }

        [Fact]
        public void RoundTripsAcrossTheSequenceWrapAndTracksRoc()
        {
            using var sender = Create();
            using var receiver = Create();
            int sent = 0;
            for (int s = 65530; s < 65536 + 10; s++)
            {
                var buffer = Rtp((ushort)s);
                var original = buffer.AsSpan(0, 112).ToArray();
                int length = sender.ProtectRtp(buffer, 112);
                Assert.Equal(122, length);
                Assert.NotEqual(original.AsSpan(12).ToArray(), buffer.AsSpan(12, 100).ToArray());
                Assert.True(receiver.TryUnprotectRtp(buffer, length, out int plain), $"seq {s}");
                Assert.Equal(original, buffer.AsSpan(0, plain).ToArray());
                sent++;
            }
            Assert.Equal(sent, receiver.Counters.RtpUnprotected);
        }

        [Fact]
        public void ReceiverGuessesRocForReorderedPacketsAroundTheWrap()
        {
            using var sender = Create();
            using var receiver = Create();
            var protectedPackets = new[] { 65534, 65535, 0, 1 }.Select(s =>
            {
                var buffer = Rtp((ushort)s);
                int length = sender.ProtectRtp(buffer, 112);
                return buffer.AsSpan(0, length).ToArray();
            }).ToArray();
            // Arrival order 65534, 0, 65535, 1: the late 65535 needs ROC 0 while the stream is already at ROC 1.
            foreach (int i in new[] { 0, 2, 1, 3 })
                Assert.True(receiver.TryUnprotectRtp(protectedPackets[i], protectedPackets[i].Length, out _), $"packet {i}");
        }

        [Fact]
        public void RetransmissionOfAnOldSequenceNumberUsesItsOriginalRoc()
        {
            using var sender = Create();
            using var receiver = Create();
            var first = Rtp(65535);
            int firstLength = sender.ProtectRtp(first, 112);
            var firstCopy = first.AsSpan(0, firstLength).ToArray();
            var next = Rtp(2);
            sender.ProtectRtp(next, 112);
            var resent = Rtp(65535);
            Assert.Equal(firstCopy, resent.AsSpan(0, sender.ProtectRtp(resent, 112)).ToArray());
        }

        [Fact]
        public void DropsAndCountsReplays()
        {
            using var sender = Create();
            using var receiver = Create();
            var packet = Rtp(10);
            int length = sender.ProtectRtp(packet, 112);
            var copy = packet.AsSpan(0, length).ToArray();
            Assert.True(receiver.TryUnprotectRtp(packet, length, out _));
            Assert.False(receiver.TryUnprotectRtp(copy, copy.Length, out _));
            Assert.Equal(1, receiver.Counters.ReplaysDropped);

            // Move the window 64 ahead: the never-seen seq 11 is now too old.
            var late = Rtp(11);
            int lateLength = sender.ProtectRtp(late, 112);
            var ahead = Rtp(75);
            Assert.True(receiver.TryUnprotectRtp(ahead, sender.ProtectRtp(ahead, 112), out _));
            Assert.False(receiver.TryUnprotectRtp(late, lateLength, out _));
            Assert.Equal(2, receiver.Counters.ReplaysDropped);
        }

        [Fact]
        public void AcceptsLatePacketsInsideTheWindowOnce()
        {
            using var sender = Create();
            using var receiver = Create();
            var packets = Enumerable.Range(100, 64).Select(s =>
            {
                var b = Rtp((ushort)s);
                return b.AsSpan(0, sender.ProtectRtp(b, 112)).ToArray();
            }).ToArray();
            Assert.True(receiver.TryUnprotectRtp(packets[63], packets[63].Length, out _));
            Assert.True(receiver.TryUnprotectRtp(packets[0], packets[0].Length, out _)); // age 63: inside
            Assert.Equal(0, receiver.Counters.ReplaysDropped);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(5)]
        [InlineData(50)]
        [InlineData(121)]
        public void DropsAndCountsTamperedPacketsWithoutDecrypting(int flipAt)
        {
            using var sender = Create();
            using var receiver = Create();
            var packet = Rtp(10);
            int length = sender.ProtectRtp(packet, 112);
            packet[flipAt] ^= 0x01;
            var tampered = packet.AsSpan(0, length).ToArray();
            Assert.False(receiver.TryUnprotectRtp(packet, length, out _));
            Assert.Equal(1, receiver.Counters.AuthenticationFailures);
            Assert.Equal(tampered.AsSpan(0, length - 10).ToArray(), packet.AsSpan(0, length - 10).ToArray());
        }

        [Fact]
        public void WrongKeyFailsAuthentication()
        {
            using var sender = new SrtpSession(SrtpProtectionProfile.Aes128CmHmacSha1_80, new byte[16], new byte[14]);
            using var receiver = Create();
            var packet = Rtp(1);
            Assert.False(receiver.TryUnprotectRtp(packet, sender.ProtectRtp(packet, 112), out _));
            Assert.Equal(1, receiver.Counters.AuthenticationFailures);
        }

        [Fact]
        public void ShortTagProfileAppendsFourBytes()
        {
            using var sender = Create(SrtpProtectionProfile.Aes128CmHmacSha1_32);
            using var receiver = Create(SrtpProtectionProfile.Aes128CmHmacSha1_32);
            var packet = Rtp(1);
            int length = sender.ProtectRtp(packet, 112);
            Assert.Equal(116, length);
            Assert.True(receiver.TryUnprotectRtp(packet, length, out int plain));
            Assert.Equal(112, plain);
        }

        [Fact]
        public void SrtcpRoundTripsWithIncreasingIndexAndDropsReplays()
        {
            using var sender = Create(SrtpProtectionProfile.Aes128CmHmacSha1_32);
            using var receiver = Create(SrtpProtectionProfile.Aes128CmHmacSha1_32);
            var plain = RtcpCompoundPacket.ToArray(new RtcpPacket[] { new ReceiverReport(0xCAFEBABE), SourceDescription.ForCName(0xCAFEBABE, "x") });
            for (uint i = 0; i < 3; i++)
            {
                var buffer = new byte[plain.Length + SrtpProtectionProfiles.MaxTrailerLength];
                plain.CopyTo(buffer, 0);
                int length = sender.ProtectRtcp(buffer, plain.Length);
                Assert.Equal(plain.Length + 14, length); // the 80-bit SRTCP tag even with the _32 profile
                Assert.Equal(0x80000000u | i, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(plain.Length)));
                var copy = (byte[])buffer.Clone();
                Assert.True(receiver.TryUnprotectRtcp(buffer, length, out int rtcpLength));
                Assert.Equal(plain, buffer.AsSpan(0, rtcpLength).ToArray());
                Assert.False(receiver.TryUnprotectRtcp(copy, length, out _));
            }
            Assert.Equal(3, receiver.Counters.ReplaysDropped);
        }

        [Fact]
        public void DropsAndCountsMalformedInput()
        {
            using var receiver = Create();
            Assert.False(receiver.TryUnprotectRtp(new byte[21], 21, out _));
            Assert.False(receiver.TryUnprotectRtp(Hex.Parse("9060000100000000000000010001FFFF 00000000000000000000"), 26, out _));
            Assert.False(receiver.TryUnprotectRtcp(new byte[21], 21, out _));
            Assert.Equal(3, receiver.Counters.MalformedDropped);
        }

        [Fact]
        public void BoundsTrackedStreamsAndCountsTheOverflow()
        {
            // A sender is bounded too, so the 65th SSRC comes from a second one.
            using var first = Create();
            using var second = Create();
            var senders = new[] { first, second };
            using var receiver = Create();
            for (uint ssrc = 1; ssrc <= SrtpSession.MaxStreams + 1; ssrc++)
            {
                var packet = Rtp(1, ssrc: ssrc);
                bool accepted = receiver.TryUnprotectRtp(packet, senders[(int)(ssrc - 1) / SrtpSession.MaxStreams].ProtectRtp(packet, 112), out _);
                Assert.Equal(ssrc <= SrtpSession.MaxStreams, accepted);
            }
            Assert.Equal(1, receiver.Counters.StreamLimitDropped);
        }

        [Fact]
        public void EncryptsOnlyAfterCsrcsAndExtensionAndKeepsPadding()
        {
            using var sender = Create();
            using var receiver = Create();
            var buffer = new byte[200];
            var extension = new byte[] { 0x01, 0x03, 0xAA, 0xBB, 0xCC };
            int length = RtpPacket.Write(buffer, new RtpHeader(96, 9, 0, 77), new byte[] { 1, 2, 3 }, new uint[] { 5, 6 },
                RtpExtensionElements.TwoByteProfile, extension, paddingLength: 4);
            var plain = buffer.AsSpan(0, length).ToArray();
            int headerLength = RtpPacket.Parse(plain).HeaderLength;
            int protectedLength = sender.ProtectRtp(buffer, length);
            Assert.Equal(plain.AsSpan(0, headerLength).ToArray(), buffer.AsSpan(0, headerLength).ToArray());
            Assert.NotEqual(plain.AsSpan(headerLength).ToArray(), buffer.AsSpan(headerLength, length - headerLength).ToArray());
            Assert.True(receiver.TryUnprotectRtp(buffer, protectedLength, out int plainLength));
            var packet = RtpPacket.Parse(buffer.AsSpan(0, plainLength));
            Assert.Equal(4, packet.PaddingLength);
            Assert.True(packet.TryGetExtension(1, out var value));
            Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, value.ToArray());
        }

        [Fact]
        public void ConcurrentSendersOnOneSessionProduceValidPackets()
        {
            using var sender = Create();
            using var receiver = Create();
            const int perThread = 3000;
            var outputs = new byte[4][][];
            var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            var threads = Enumerable.Range(0, 4).Select(t => new System.Threading.Thread(() =>
            {
                outputs[t] = new byte[perThread][];
                try
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        var packet = Rtp((ushort)i, payloadLength: 600, ssrc: (uint)(t + 1));
                        outputs[t][i] = packet.AsSpan(0, sender.ProtectRtp(packet, 612)).ToArray();
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue(e); // an unhandled exception on a thread would abort the whole test run
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Empty(errors);
            foreach (var packet in outputs.SelectMany(o => o))
                Assert.True(receiver.TryUnprotectRtp(packet, packet.Length, out _));
            Assert.Equal(4 * perThread, receiver.Counters.RtpUnprotected);
        }

        [Theory]
        [MemberData(nameof(HmacPaths))]
        public void ProtectAndUnprotectDoNotAllocateInSteadyState(bool platformHmac)
        {
            using var sender = Create(platformHmac: platformHmac);
            using var receiver = Create(platformHmac: platformHmac);
            var buffer = new byte[1500];
            var header = new RtpHeader(96, 0, 0, 0x1234);
            var payload = new byte[1200];
            var rtcp = new PictureLossIndication(1, 0x1234).ToArray();

            void Round(int i)
            {
                header.SequenceNumber = (ushort)i;
                int length = RtpPacket.Write(buffer, header, payload);
                length = sender.ProtectRtp(buffer, length);
                Assert.True(receiver.TryUnprotectRtp(buffer, length, out _));
                rtcp.CopyTo(buffer, 0);
                length = sender.ProtectRtcp(buffer, rtcp.Length);
                Assert.True(receiver.TryUnprotectRtcp(buffer, length, out _));
            }

            for (int i = 0; i < 100; i++) Round(i);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 100; i < 70_100; i++) Round(i); // crosses a sequence wrap
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
