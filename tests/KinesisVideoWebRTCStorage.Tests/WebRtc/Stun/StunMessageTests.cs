using System;
using System.Linq;
using System.Net;
using KinesisVideoWebRTCStorage.WebRtc.Stun;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.WebRtc.Stun
{
    public class StunMessageTests
    {
        private static readonly byte[] Key = StunCredentials.ShortTermKey(Rfc5769Vectors.ShortTermPassword);
        private static readonly byte[] VectorTransactionId = Convert.FromHexString("b7e7a701bc34d686fa87dfae");

        [Fact]
        public void ParsesRfc5769SampleRequest()
        {
            var message = StunMessage.Parse(Rfc5769Vectors.Request);
            Assert.Equal(StunMessageType.BindingRequest, message.Type);
            Assert.Equal(VectorTransactionId, message.TransactionId.ToArray());
            Assert.Equal("STUN test client", message.Software);
            Assert.Equal("evtj:h6vY", message.Username);
            Assert.Equal(0x6e0001ffu, message.Priority);
            Assert.Equal(0x932ff9b151263b36ul, message.IceControlled);
            Assert.Null(message.IceControlling);
            Assert.False(message.UseCandidate);
            Assert.True(message.VerifyMessageIntegrity(Key));
            Assert.True(message.VerifyIntegrity(Key));
            Assert.True(message.VerifyFingerprint());
        }

        [Fact]
        public void ParsesRfc5769IPv4Response()
        {
            var message = StunMessage.Parse(Rfc5769Vectors.IPv4Response);
            Assert.Equal(StunMessageType.BindingSuccess, message.Type);
            Assert.Equal("test vector", message.Software);
            Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), message.XorMappedAddress);
            Assert.True(message.VerifyMessageIntegrity(Key));
            Assert.True(message.VerifyFingerprint());
        }

        [Fact]
        public void ParsesRfc5769IPv6Response()
        {
            var message = StunMessage.Parse(Rfc5769Vectors.IPv6Response);
            Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), message.XorMappedAddress);
            Assert.True(message.VerifyMessageIntegrity(Key));
            Assert.True(message.VerifyFingerprint());
        }

        [Fact]
        public void BuilderReproducesRfc5769MessagesByteForByte()
        {
            byte[] request = new StunMessageBuilder(StunMessageType.BindingRequest, VectorTransactionId, paddingByte: 0x20)
                .AddSoftware("STUN test client").AddPriority(0x6e0001ff).AddIceControlled(0x932ff9b151263b36)
                .AddUsername("evtj:h6vY").AddMessageIntegrity(Key).AddFingerprint().ToArray();
            Assert.Equal(Convert.ToHexString(Rfc5769Vectors.Request), Convert.ToHexString(request));

            byte[] v4 = new StunMessageBuilder(StunMessageType.BindingSuccess, VectorTransactionId, paddingByte: 0x20)
                .AddSoftware("test vector").AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853))
                .AddMessageIntegrity(Key).AddFingerprint().ToArray();
            Assert.Equal(Convert.ToHexString(Rfc5769Vectors.IPv4Response), Convert.ToHexString(v4));

            byte[] v6 = new StunMessageBuilder(StunMessageType.BindingSuccess, VectorTransactionId, paddingByte: 0x20)
                .AddSoftware("test vector").AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853))
                .AddMessageIntegrity(Key).AddFingerprint().ToArray();
            Assert.Equal(Convert.ToHexString(Rfc5769Vectors.IPv6Response), Convert.ToHexString(v6));
        }

        [Fact]
        public void WrongKeyOrTamperedBodyFailsIntegrity()
        {
            Assert.False(StunMessage.Parse(Rfc5769Vectors.Request).VerifyMessageIntegrity(StunCredentials.ShortTermKey("wrong")));

            byte[] tampered = (byte[])Rfc5769Vectors.Request.Clone();
            tampered[24] ^= 0x01; // inside SOFTWARE, covered by both MESSAGE-INTEGRITY and FINGERPRINT
            var message = StunMessage.Parse(tampered);
            Assert.False(message.VerifyMessageIntegrity(Key));
            Assert.False(message.VerifyFingerprint());
        }

        [Fact]
        public void Sha256IntegrityRoundTripsAndIsPreferred()
        {
            byte[] id = StunMessageBuilder.NewTransactionId();
            byte[] bytes = new StunMessageBuilder(StunMessageType.BindingRequest, id)
                .AddUsername("a:b").AddUseCandidate().AddIceControlling(42)
                .AddMessageIntegrity(Key).AddMessageIntegritySha256(Key).AddFingerprint().ToArray();
            var message = StunMessage.Parse(bytes);
            Assert.True(message.VerifyMessageIntegrity(Key));
            Assert.True(message.VerifyMessageIntegritySha256(Key));
            Assert.True(message.VerifyIntegrity(Key));
            Assert.True(message.VerifyFingerprint());
            Assert.True(message.UseCandidate);
            Assert.Equal(42ul, message.IceControlling);

            // Break only the SHA-256 MAC: VerifyIntegrity must follow the stronger one and fail.
            int macOffset = bytes.Length - 8 - 32;
            bytes[macOffset] ^= 0xFF;
            var broken = StunMessage.Parse(bytes);
            Assert.True(broken.VerifyMessageIntegrity(Key));
            Assert.False(broken.VerifyIntegrity(Key));
        }

        [Fact]
        public void MissingIntegrityDoesNotVerify()
        {
            byte[] bytes = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId()).AddUsername("a:b").ToArray();
            var message = StunMessage.Parse(bytes);
            Assert.False(message.VerifyIntegrity(Key));
            Assert.False(message.VerifyFingerprint());
        }

        [Fact]
        public void AttributesAppendedAfterIntegrityAreIgnored()
        {
            byte[] id = StunMessageBuilder.NewTransactionId();
            byte[] bytes = new StunMessageBuilder(StunMessageType.BindingRequest, id)
                .AddUsername("a:b").AddMessageIntegrity(Key).AddUseCandidate().AddPriority(7).ToArray();
            var message = StunMessage.Parse(bytes);
            Assert.True(message.VerifyMessageIntegrity(Key));
            Assert.False(message.UseCandidate);
            Assert.Null(message.Priority);
        }

        [Fact]
        public void ErrorCodeRoundTrips()
        {
            byte[] bytes = new StunMessageBuilder(StunMessageType.BindingError, StunMessageBuilder.NewTransactionId())
                .AddErrorCode(StunErrorCode.RoleConflict, "Role Conflict").ToArray();
            var message = StunMessage.Parse(bytes);
            Assert.Equal(StunMessageType.BindingError, message.Type);
            Assert.Equal(487, message.ErrorCode!.Value.Code);
            Assert.Equal("Role Conflict", message.ErrorCode!.Value.Reason);
        }

        [Theory]
        [InlineData(0x0001, StunClass.Request, 0x0001)]
        [InlineData(0x0101, StunClass.SuccessResponse, 0x0001)]
        [InlineData(0x0111, StunClass.ErrorResponse, 0x0001)]
        [InlineData(0x0011, StunClass.Indication, 0x0001)]
        [InlineData(0x0003, StunClass.Request, 0x0003)]
        public void MessageTypeEncodesClassAndMethod(int value, StunClass @class, int method)
        {
            var type = StunMessageType.FromValue((ushort)value);
            Assert.Equal(@class, type.Class);
            Assert.Equal(method, type.Method);
            Assert.Equal(value, type.Value);
        }

        [Fact]
        public void RejectsStructuralErrors()
        {
            Assert.Throws<StunFormatException>(() => StunMessage.Parse(new byte[10]));
            byte[] badCookie = (byte[])Rfc5769Vectors.Request.Clone();
            badCookie[4] = 0;
            Assert.Throws<StunFormatException>(() => StunMessage.Parse(badCookie));
            Assert.Throws<StunFormatException>(() => StunMessage.Parse(Rfc5769Vectors.Request.Take(Rfc5769Vectors.Request.Length - 4).ToArray()));
            byte[] overrun = (byte[])Rfc5769Vectors.Request.Clone();
            overrun[22] = 0xFF; // SOFTWARE length
            Assert.Throws<StunFormatException>(() => StunMessage.Parse(overrun));
            Assert.True(StunMessage.IsStun(Rfc5769Vectors.Request));
            Assert.False(StunMessage.IsStun(badCookie));
        }

        [Fact]
        public void SurvivesHostileInput()
        {
            var seeds = new[] { Rfc5769Vectors.Request, Rfc5769Vectors.IPv4Response, Rfc5769Vectors.IPv6Response,
                new StunMessageBuilder(StunMessageType.BindingError, new byte[12]).AddErrorCode(401, "Unauthorized").AddFingerprint().ToArray() };
            int rejected = Fuzz.HostileInput.Run(seeds, 100_000, 5769, input =>
            {
                var message = StunMessage.Parse(input);
                // Exercise every typed getter: malformed values must surface as StunFormatException only.
                _ = message.Username; _ = message.Software; _ = message.XorMappedAddress; _ = message.Priority;
                _ = message.IceControlled; _ = message.IceControlling; _ = message.ErrorCode; _ = message.UseCandidate;
                message.VerifyIntegrity(Key);
                message.VerifyFingerprint();
            }, e => e is StunFormatException, length => 16 * length + 8192);
            Assert.InRange(rejected, 10_000, 99_999);
        }
    }
}
