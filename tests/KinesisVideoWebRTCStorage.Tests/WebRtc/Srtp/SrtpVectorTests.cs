using System;
using System.Security.Cryptography;
using KinesisVideoWebRTCStorage.WebRtc.Srtp;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Srtp
{
    /// <summary>RFC 3711 appendix B vectors and a cross-check of both HMAC paths against the framework's HMACSHA1.</summary>
    public class SrtpVectorTests
    {
        [Fact]
        public void AesCounterModeKeystreamMatchesRfc3711B2()
        {
            using var cipher = new AesCounterMode(Hex.Parse("2B7E151628AED2A6ABF7158809CF4F3C"));
            // Counter blocks 0000 through FF01: long enough to span several internal batches.
            var keystream = new byte[0xFF02 * 16];
            cipher.Transform(Hex.Parse("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), keystream);
            Assert.Equal(Hex.Parse("E03EAD0935C95E80E166B16DD92B4EB4"), keystream.AsSpan(0, 16).ToArray());
            Assert.Equal(Hex.Parse("D23513162B02D0F72A43A2FE4A5F97AB"), keystream.AsSpan(16, 16).ToArray());
            Assert.Equal(Hex.Parse("41E95B3BB0A2E8DD477901E4FCA894C0"), keystream.AsSpan(32, 16).ToArray());
            Assert.Equal(Hex.Parse("EC8CDF7398607CB0F2D21675EA9EA1E4"), keystream.AsSpan(0xFEFF * 16, 16).ToArray());
            Assert.Equal(Hex.Parse("362B7C3C6773516318A077D7FC5073AE"), keystream.AsSpan(0xFF00 * 16, 16).ToArray());
            Assert.Equal(Hex.Parse("6A2CC3787889374FBEB4C81B17BA6C44"), keystream.AsSpan(0xFF01 * 16, 16).ToArray());
        }

        [Fact]
        public void KeyDerivationMatchesRfc3711B3()
        {
            var masterKey = Hex.Parse("E1F97A0D3E018BE0D64FA32C06DE4139");
            var masterSalt = Hex.Parse("0EC675AD498AFEEBB6960B3AABE6");
            var key = new byte[16];
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtpEncryption, key);
            Assert.Equal(Hex.Parse("C61E7A93744F39EE10734AFE3FF7A087"), key);
            var salt = new byte[14];
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtpSalt, salt);
            Assert.Equal(Hex.Parse("30CBBC08863D8C85D49DB34A9AE1"), salt);
            var auth = new byte[94];
            SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyLabel.RtpAuthentication, auth);
            Assert.Equal(Hex.Parse(
                "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE" +
                "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25" +
                "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"), auth);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(55)]
        [InlineData(56)]
        [InlineData(63)]
        [InlineData(64)]
        [InlineData(119)]
        [InlineData(120)]
        [InlineData(1216)]
        public void ManagedHmacMatchesFrameworkHmacSha1(int length)
        {
            var random = new Random(length);
            foreach (int keyLength in new[] { 20, 64, 100 })
            {
                var key = new byte[keyLength];
                var message = new byte[length];
                random.NextBytes(key);
                random.NextBytes(message);
                using var reference = new HMACSHA1(key);
                var expected = reference.ComputeHash(message);
                var managed = new byte[20];
                using (var hmac = new Sha1Hmac(key)) hmac.Compute(message, managed);
                Assert.Equal(expected, managed);
                var platform = new byte[10];
                using (var hmac = new PlatformHmacSha1(key))
                {
                    hmac.Compute(message, platform);
                    hmac.Compute(message, platform); // reuse must reset state
                }
                Assert.Equal(expected.AsSpan(0, 10).ToArray(), platform);
                if (!LibCrypto.IsAvailable) continue;
                var native = new byte[20];
                using (var hmac = new LibCryptoHmacSha1(key))
                {
                    hmac.Compute(message, native);
                    hmac.Compute(message, native); // reuse must reset state
                }
                Assert.Equal(expected, native);
            }
        }

        [Fact]
        public void LinuxUsesLibCryptosHmacThenTheRuntimesWithSpanApisUnlessSwitchedOff()
        {
            Assert.True(PlatformHmacSha1.IsSupported);
            Assert.Equal(OperatingSystem.IsLinux(), LibCrypto.IsAvailable); // OpenSSL 3 on every Linux these tests run on
            using (var hmac = HmacSha1.Create(new byte[20]))
            {
                if (LibCrypto.IsAvailable) Assert.IsType<LibCryptoHmacSha1>(hmac);
                else Assert.IsType<PlatformHmacSha1>(hmac);
            }
            using (var hmac = AppContextSwitch.While(LibCrypto.DisableSwitch, () => HmacSha1.Create(new byte[20]))) Assert.IsType<PlatformHmacSha1>(hmac);
            using (var hmac = AppContextSwitch.While(HmacSha1.UseManagedSwitch, () => HmacSha1.Create(new byte[20]))) Assert.IsType<Sha1Hmac>(hmac);
        }
    }
}
