using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using KinesisVideoWebRTCStorage.Aws;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Aws
{
    public class SigV4VerifierTests
    {
        private const string ExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        private static readonly DateTime ExampleTime = new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

        private static SigV4Verifier Verifier(DateTime now) => new SigV4Verifier(id => id == "AKIDEXAMPLE" ? ExampleSecret : null, () => now);

        private static ReceivedRequest GetVanilla(string signature) => new ReceivedRequest("GET", "/", "", new[]
        {
            new KeyValuePair<string, string>("Host", "example.amazonaws.com"),
            new KeyValuePair<string, string>("X-Amz-Date", "20150830T123600Z"),
            new KeyValuePair<string, string>("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + signature),
        }, Array.Empty<byte>());

        // The "get-vanilla" case of the AWS SigV4 test suite.
        [Fact]
        public void VerifiesTheAwsTestSuiteVector()
        {
            var result = Verifier(ExampleTime).Verify(GetVanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
            Assert.True(result.IsValid, result.Reason);
            Assert.Equal("us-east-1", result.Region);
            Assert.Equal("service", result.Service);
        }

        [Fact]
        public void RejectsAnAlteredSignature()
        {
            var result = Verifier(ExampleTime).Verify(GetVanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf32"));
            Assert.False(result.IsValid);
            Assert.Contains("signature does not match", result.Reason);
        }

        [Fact]
        public void RejectsSkewedClocks()
        {
            var result = Verifier(ExampleTime.AddMinutes(6)).Verify(GetVanilla("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
            Assert.False(result.IsValid);
            Assert.Contains("more than 5 minutes", result.Reason);
        }

        [Fact]
        public void RejectsUnknownKeysAndUnsignedRequests()
        {
            var unknown = new SigV4Verifier(_ => null, () => ExampleTime).Verify(GetVanilla("00"));
            Assert.Contains("not known", unknown.Reason);
            var unsigned = Verifier(ExampleTime).Verify(new ReceivedRequest("POST", "/x", "", new[] { new KeyValuePair<string, string>("Host", "h") }, new byte[0]));
            Assert.Contains("not signed", unsigned.Reason);
        }

        [Fact]
        public void VerifiesPresignedUrlsFromAwsSdkCoreAndEnforcesExpiry()
        {
            var url = new Uri(PresignedUrl.Create(new Uri("wss://m-1234.kinesisvideo.us-west-2.amazonaws.com"),
                new Amazon.Runtime.ImmutableCredentials("AKIDEXAMPLE", ExampleSecret, "session-token"), "us-west-2",
                new[] { new KeyValuePair<string, string>("X-Amz-ChannelARN", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/cam1/1") },
                TimeSpan.FromSeconds(299), ExampleTime));
            var request = new ReceivedRequest("GET", url.AbsolutePath, url.Query, new[] { new KeyValuePair<string, string>("Host", url.Authority) }, new byte[0]);

            var valid = Verifier(ExampleTime.AddSeconds(10)).Verify(request);
            Assert.True(valid.IsValid, valid.Reason);
            var query = SigV4Verifier.ParseQuery(url.Query.TrimStart('?'));
            Assert.Equal("session-token", query.Single(p => p.Key == "X-Amz-Security-Token").Value);
            Assert.Equal("host", query.Single(p => p.Key == "X-Amz-SignedHeaders").Value);
            Assert.Equal("299", query.Single(p => p.Key == "X-Amz-Expires").Value);

            var expired = Verifier(ExampleTime.AddSeconds(300)).Verify(request);
            Assert.False(expired.IsValid);
            Assert.Contains("expired", expired.Reason);

            var tampered = new ReceivedRequest("GET", url.AbsolutePath, url.Query.Replace("cam1", "cam2"),
                new[] { new KeyValuePair<string, string>("Host", url.Authority) }, new byte[0]);
            Assert.False(Verifier(ExampleTime.AddSeconds(10)).Verify(tampered).IsValid);
        }
    }
}
