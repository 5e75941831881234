using System;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Srtp
{
    /// <summary>
    /// RFC 7714 sections 16 and 17: AEAD_AES_128_GCM and AEAD_AES_256_GCM over the RFC's RTP packet (SSRC 0x5501A0B2,
    /// sequence 0xF17B, ROC 0) and SRTCP packet (SSRC 0x4D617273, index 0x5D4), both ways, through the platform's AES-GCM
    /// and through the BouncyCastle fallback; and a packet with one bit changed is refused either way.
    /// </summary>
    public sealed class SrtpAeadVectorTests
    {
        private static readonly byte[] Salt = Hex.Parse("517569642070726f2071756f");
        private static readonly byte[] Rtp = Hex.Parse("8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
        private static readonly byte[] Rtcp = Hex.Parse("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");

        public static TheoryData<SrtpProtectionProfile, string, string, string, bool> Vectors()
        {
            var data = new TheoryData<SrtpProtectionProfile, string, string, string, bool>();
            foreach (bool managed in new[] { false, true })
            {
                data.Add(SrtpProtectionProfile.AeadAes128Gcm, "000102030405060708090a0b0c0d0e0f",
                    "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce",
                    "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4",
                    managed);
                data.Add(SrtpProtectionProfile.AeadAes256Gcm, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                    "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13",
                    "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4",
                    managed);
            }
            return data;
        }

        [Theory]
        [MemberData(nameof(Vectors))]
        public void ProtectsAndUnprotectsTheRfcPackets(SrtpProtectionProfile profile, string key, string srtp, string srtcp, bool managed)
        {
            using var sender = SrtpSession.FromAeadSessionKeys(profile, Hex.Parse(key), Salt, managed);
            var buffer = new byte[Rtp.Length + 16];
            Rtp.CopyTo(buffer, 0);
            Assert.Equal(Hex.Parse(srtp), buffer.AsSpan(0, sender.ProtectRtp(buffer, Rtp.Length)).ToArray());
            sender.SetNextRtcpIndex(0x4d617273, 0x5d4);
            buffer = new byte[Rtcp.Length + SrtpProtectionProfiles.MaxTrailerLength];
            Rtcp.CopyTo(buffer, 0);
            Assert.Equal(Hex.Parse(srtcp), buffer.AsSpan(0, sender.ProtectRtcp(buffer, Rtcp.Length)).ToArray());

            using var receiver = SrtpSession.FromAeadSessionKeys(profile, Hex.Parse(key), Salt, managed);
            var packet = Hex.Parse(srtp);
            Assert.True(receiver.TryUnprotectRtp(packet, packet.Length, out int rtpLength));
            Assert.Equal(Rtp, packet.AsSpan(0, rtpLength).ToArray());
            packet = Hex.Parse(srtcp);
            Assert.True(receiver.TryUnprotectRtcp(packet, packet.Length, out int rtcpLength));
            Assert.Equal(Rtcp, packet.AsSpan(0, rtcpLength).ToArray());
        }

        [Theory]
        [MemberData(nameof(Vectors))]
        public void APacketWithOneBitChangedIsCountedAndDropped(SrtpProtectionProfile profile, string key, string srtp, string srtcp, bool managed)
        {
            using var receiver = SrtpSession.FromAeadSessionKeys(profile, Hex.Parse(key), Salt, managed);
            foreach (int bit in new[] { 8 * 4, 8 * 20, 8 * (Hex.Parse(srtp).Length - 1) })
            {
                var packet = Hex.Parse(srtp);
                packet[bit / 8] ^= 1; // the header (AAD), the payload, the tag
                Assert.False(receiver.TryUnprotectRtp(packet, packet.Length, out _));
            }
            var rtcp = Hex.Parse(srtcp);
            rtcp[rtcp.Length - 5] ^= 0x80; // the last byte of the tag
            Assert.False(receiver.TryUnprotectRtcp(rtcp, rtcp.Length, out _));
            Assert.Equal(4, receiver.Counters.AuthenticationFailures);
            // The untouched packets still pass afterwards: a failure leaves no state behind.
            var good = Hex.Parse(srtp);
            Assert.True(receiver.TryUnprotectRtp(good, good.Length, out _));
        }

        [Theory]
        [InlineData(SrtpProtectionProfile.AeadAes128Gcm, false)]
        [InlineData(SrtpProtectionProfile.AeadAes256Gcm, false)]
        [InlineData(SrtpProtectionProfile.AeadAes128Gcm, true)]
        public void MasterKeysDeriveSessionsThatTalkToEachOtherAndRefuseReplays(SrtpProtectionProfile profile, bool managed)
        {
            var masterKey = new byte[profile.MasterKeyLength()];
            var masterSalt = new byte[profile.MasterSaltLength()];
            new Random(7).NextBytes(masterKey);
            new Random(8).NextBytes(masterSalt);
            using var sender = new SrtpSession(profile, masterKey, masterSalt, HmacSha1.Create, managed);
            using var receiver = new SrtpSession(profile, masterKey, masterSalt, HmacSha1.Create, !managed);
            for (int sequence = 65530; sequence < 65540; sequence++) // across a rollover
            {
                var buffer = new byte[12 + 100 + 16];
                Rtp.AsSpan(0, 12).CopyTo(buffer);
                buffer[2] = (byte)(sequence >> 8);
                buffer[3] = (byte)sequence;
                buffer[20] = (byte)sequence;
                int length = sender.ProtectRtp(buffer, 112);
                var copy = buffer.AsSpan(0, length).ToArray();
                Assert.True(receiver.TryUnprotectRtp(buffer, length, out int plain));
                Assert.Equal(112, plain);
                Assert.Equal((byte)sequence, buffer[20]);
                Assert.False(receiver.TryUnprotectRtp(copy, copy.Length, out _));
            }
            Assert.Equal(10, receiver.Counters.ReplaysDropped);
        }
    }
}
