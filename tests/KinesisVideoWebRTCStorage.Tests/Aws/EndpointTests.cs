using KinesisVideoWebRTCStorage.Aws;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Aws
{
    public class EndpointTests
    {
        [Theory]
        [InlineData("us-west-2", "https://kinesisvideo.us-west-2.amazonaws.com/")]
        [InlineData("cn-north-1", "https://kinesisvideo.cn-north-1.amazonaws.com.cn/")]
        [InlineData("us-gov-west-1", "https://kinesisvideo.us-gov-west-1.amazonaws.com/")]
        public void RegionalEndpointsPerPartition(string region, string expected) =>
            Assert.Equal(expected, KvsEndpoints.ControlPlane(region).ToString());

        [Fact]
        public void StunUriIsBuiltFromTheRegion() =>
            Assert.Equal("stun:stun.kinesisvideo.eu-west-1.amazonaws.com:443", KvsEndpoints.StunUri("eu-west-1"));

        [Theory]
        [InlineData("http://127.0.0.1:4566", "http://127.0.0.1:4566/")]
        [InlineData("kinesisvideo.us-west-2.amazonaws.com", "https://kinesisvideo.us-west-2.amazonaws.com/")]
        public void EndpointUrlOverrides(string given, string expected) => Assert.Equal(expected, KvsEndpoints.ParseEndpointUrl(given).ToString());

        [Fact]
        public void NonHttpEndpointUrlsAreRefused()
        {
            var error = Assert.Throws<System.ArgumentException>(() => KvsEndpoints.ParseEndpointUrl("ftp://x"));
            Assert.Contains("is not an http or https URL", error.Message);
        }

        [Fact]
        public void ChannelArnPartsAreParsed()
        {
            var arn = ChannelArn.Parse("arn:aws-cn:kinesisvideo:cn-north-1:123456789012:channel/my.cam_1-a/1700000000000");
            Assert.Equal("aws-cn", arn.Partition);
            Assert.Equal("cn-north-1", arn.Region);
            Assert.Equal("123456789012", arn.AccountId);
            Assert.Equal("my.cam_1-a", arn.ChannelName);
            Assert.Equal("1700000000000", arn.CreationTime);
        }

        [Fact]
        public void AChannelMayArriveAsArnNameOrBothWhenTheyAgree()
        {
            const string arn = "arn:aws:kinesisvideo:us-west-2:123456789012:channel/cam1/1700000000000";
            Assert.Equal(arn, ChannelReference.FromArnOrName(arn, null).Arn);
            Assert.Equal("cam1", ChannelReference.FromArnOrName(null, "cam1").Name);
            // A piped AWS.Tools ChannelInfo binds both; the ARN is used.
            var both = ChannelReference.FromArnOrName(arn, "cam1");
            Assert.Equal(arn, both.Arn);
            Assert.Null(both.Name);

            var mismatch = Assert.Throws<System.ArgumentException>(() => ChannelReference.FromArnOrName(arn, "cam2"));
            Assert.Equal($"-ChannelARN {arn} names channel 'cam1' but -ChannelName is 'cam2'; pass one of them.", mismatch.Message);
            Assert.Equal("Pass -ChannelARN or -ChannelName.", Assert.Throws<System.ArgumentException>(() => ChannelReference.FromArnOrName(null, null)).Message);
            Assert.Throws<InvalidChannelArnException>(() => ChannelReference.FromArnOrName("arn:aws:kinesisvideo:us-west-2:1:channel/x", "x"));
        }
    }
}
