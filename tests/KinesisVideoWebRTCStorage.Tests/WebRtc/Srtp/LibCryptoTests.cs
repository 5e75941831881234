using System;
using System.Linq;
using KinesisVideoWebRTCStorage.WebRtc.Rtp;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Srtp
{
    /// <summary>
    /// The libcrypto path (what SRTP uses on Linux, and what the RFC vector tests there exercise) and the runtime's
    /// wrappers (what it uses elsewhere) protect every packet to the same bytes and accept each other's.
    /// </summary>
    public sealed class LibCryptoTests
    {
        [Theory]
        [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1_80)]
        [InlineData(SrtpProtectionProfile.Aes128CmHmacSha1_32)]
        [InlineData(SrtpProtectionProfile.AeadAes128Gcm)]
        [InlineData(SrtpProtectionProfile.AeadAes256Gcm)]
        public void LibCryptoAndTheRuntimeProtectToTheSameBytesAndUnprotectEachOther(SrtpProtectionProfile profile)
        {
            Assert.True(LibCrypto.IsAvailable, "libcrypto.so.3 did not load: these tests would compare the runtime with itself");
            var masterKey = Enumerable.Range(1, profile.MasterKeyLength()).Select(i => (byte)(i * 3)).ToArray();
            var masterSalt = Enumerable.Range(100, profile.MasterSaltLength()).Select(i => (byte)i).ToArray();
            using var native = new SrtpSession(profile, masterKey, masterSalt);
            using var nativeReceiver = new SrtpSession(profile, masterKey, masterSalt);
            using var runtime = AppContextSwitch.While(LibCrypto.DisableSwitch, () => new SrtpSession(profile, masterKey, masterSalt));
            using var runtimeReceiver = AppContextSwitch.While(LibCrypto.DisableSwitch, () => new SrtpSession(profile, masterKey, masterSalt));
            var random = new Random((int)profile);
            foreach (int payloadLength in new[] { 0, 1, 15, 16, 17, 160, 1188 })
            {
                var payload = new byte[payloadLength];
                random.NextBytes(payload);
                var a = new byte[12 + payloadLength + SrtpProtectionProfiles.MaxTrailerLength];
                int length = RtpPacket.Write(a, new RtpHeader(96, (ushort)(payloadLength + 65_530), 9000, 0x1234_5678), payload);
                var b = (byte[])a.Clone();
                int protectedLength = native.ProtectRtp(a, length);
                Assert.Equal(protectedLength, runtime.ProtectRtp(b, length));
                Assert.Equal(a.AsSpan(0, protectedLength).ToArray(), b.AsSpan(0, protectedLength).ToArray());

                Assert.True(runtimeReceiver.TryUnprotectRtp(a, protectedLength, out int plainLength));
                Assert.True(nativeReceiver.TryUnprotectRtp(b, protectedLength, out _));
                Assert.Equal(payload, a.AsSpan(12, plainLength - 12).ToArray());
                Assert.Equal(payload, b.AsSpan(12, plainLength - 12).ToArray());
            }

            var rtcp = new byte[64 + SrtpProtectionProfiles.MaxTrailerLength];
            rtcp[0] = 0x80;
            rtcp[1] = 200;
            rtcp[3] = 15; // 64 bytes
            random.NextBytes(rtcp.AsSpan(4, 60));
            var rtcpCopy = (byte[])rtcp.Clone();
            int srtcpLength = native.ProtectRtcp(rtcp, 64);
            Assert.Equal(srtcpLength, runtime.ProtectRtcp(rtcpCopy, 64));
            Assert.Equal(rtcp.AsSpan(0, srtcpLength).ToArray(), rtcpCopy.AsSpan(0, srtcpLength).ToArray());
            Assert.True(runtimeReceiver.TryUnprotectRtcp(rtcp, srtcpLength, out _));
        }

        [Fact]
        public void AGcmPacketWhoseTagFailsIsRefusedAndLeftZeroed()
        {
            var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
            using var aead = new AesGcmAead(key);
            var nonce = new byte[AesGcmAead.NonceLength];
            var header = new byte[12];
            var data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
            var tag = new byte[AesGcmAead.TagLength];
            aead.Encrypt(nonce, data, tag, header);
            tag[0] ^= 1;
            Assert.False(aead.TryDecrypt(nonce, data, tag, header));
            Assert.All(data, b => Assert.Equal(0, b));
        }
    }
}
