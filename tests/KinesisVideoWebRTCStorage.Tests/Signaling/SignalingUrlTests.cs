using System;
using System.Collections.Generic;
using System.Linq;
using Amazon.Runtime;
using KinesisVideoWebRTCStorage.Aws;
using KinesisVideoWebRTCStorage.Signaling;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Signaling
{
    public class SignalingUrlTests
    {
        private const string Arn = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/cam1/1700000000000";
        private static readonly DateTime SignedAt = new DateTime(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc);
        private static readonly ImmutableCredentials Credentials = new ImmutableCredentials("AKIDSIGNAL", "signal-secret", "token/with+chars=");

        private static SigV4Verification Verify(Uri url, DateTime now) =>
            new SigV4Verifier(id => id == "AKIDSIGNAL" ? "signal-secret" : null, () => now)
                .Verify(new ReceivedRequest("GET", url.AbsolutePath, url.Query, new[] { new KeyValuePair<string, string>("Host", url.Authority) }, Array.Empty<byte>()));

        [Fact]
        public void MasterUrlsCarryTheChannelButNoClientId()
        {
            var url = SignalingUrl.ForMaster("wss://m-1.kinesisvideo.us-west-2.amazonaws.com", Arn, Credentials, "us-west-2", SignedAt);
            var query = SigV4Verifier.ParseQuery(url.Query.TrimStart('?'));
            Assert.Equal(Arn, query.Single(p => p.Key == "X-Amz-ChannelARN").Value);
            Assert.DoesNotContain(query, p => p.Key == "X-Amz-ClientId");
            Assert.Equal("token/with+chars=", query.Single(p => p.Key == "X-Amz-Security-Token").Value);
            Assert.Equal("AKIDSIGNAL/20261120/us-west-2/kinesisvideo/aws4_request", query.Single(p => p.Key == "X-Amz-Credential").Value);
            var result = Verify(url, SignedAt.AddSeconds(5));
            Assert.True(result.IsValid, result.Reason);
        }

        [Fact]
        public void ViewerUrlsCarryTheClientIdInsideTheSignature()
        {
            var url = SignalingUrl.ForViewer("ws://127.0.0.1:4566", Arn, "viewer-1", Credentials, "us-west-2", SignedAt);
            Assert.True(Verify(url, SignedAt).IsValid);
            var swapped = new Uri(url.ToString().Replace("viewer-1", "viewer-2"));
            Assert.False(Verify(swapped, SignedAt).IsValid);
        }

        [Fact]
        public void RedactionDropsTheSignatureAndToken()
        {
            var url = SignalingUrl.ForMaster("wss://m-1.kinesisvideo.us-west-2.amazonaws.com", Arn, Credentials, "us-west-2", SignedAt);
            var redacted = SignalingUrl.Redact(url);
            Assert.Equal("wss://m-1.kinesisvideo.us-west-2.amazonaws.com/", redacted);
            Assert.DoesNotContain("Signature", redacted);
        }

        [Fact]
        public void BadEndpointsAndArnsAreRefused()
        {
            Assert.Throws<ArgumentException>(() => SignalingUrl.ForMaster("https://x", Arn, Credentials, "us-west-2"));
            Assert.Throws<InvalidChannelArnException>(() => SignalingUrl.ForMaster("wss://x", "cam1", Credentials, "us-west-2"));
            Assert.Throws<ArgumentException>(() => SignalingUrl.ForViewer("wss://x", Arn, "bad id", Credentials, "us-west-2"));
        }
    }
}
